// One handler per MLflow tool, and the dispatcher that turns every failure (bad argument, unknown
// entity, forbidden state) into an `isError` tool result the agent can read and correct.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ArgumentError } from './args.js';
import type { Args } from './args.js';
import { ARTIFACT_HANDLERS } from './handlers-artifacts.js';
import { EXPERIMENT_HANDLERS } from './handlers-experiments.js';
import { MODEL_WRITE_HANDLERS } from './handlers-model-writes.js';
import { MODEL_HANDLERS } from './handlers-models.js';
import { RUN_HANDLERS } from './handlers-runs.js';
import { NotFoundError } from './registry.js';
import type { Registry } from './registry.js';
import { StateError, toolError } from './result.js';
import type { ToolHandler } from './result.js';

export const MLFLOW_HANDLERS: Readonly<Record<string, ToolHandler>> = {
  ...EXPERIMENT_HANDLERS,
  ...RUN_HANDLERS,
  ...ARTIFACT_HANDLERS,
  ...MODEL_HANDLERS,
  ...MODEL_WRITE_HANDLERS,
};

export function hasMlflowTool(name: string): boolean {
  return Object.hasOwn(MLFLOW_HANDLERS, name);
}

// Calls a known tool; the caller answers unknown names itself (a protocol error, not a tool error).
export function callMlflowTool(registry: Registry, name: string, rawArgs: unknown): CallToolResult {
  const handler = MLFLOW_HANDLERS[name];
  if (!handler) return toolError(`Unknown tool '${name}'`);
  if (rawArgs !== undefined && (typeof rawArgs !== 'object' || rawArgs === null || Array.isArray(rawArgs))) {
    return toolError(`Invalid arguments for ${name}: arguments must be an object`);
  }
  try {
    return handler(registry, (rawArgs ?? {}) as Args);
  } catch (error) {
    if (error instanceof ArgumentError) return toolError(`Invalid arguments for ${name}: ${error.message}`);
    if (error instanceof NotFoundError) return toolError(`RESOURCE_DOES_NOT_EXIST: ${error.message}`);
    if (error instanceof StateError) return toolError(`INVALID_STATE: ${error.message}`);
    // A bug in the demo must not kill the server; it is reported like MLflow's INTERNAL_ERROR.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`mlflow-demo: ${name} failed: ${error instanceof Error ? error.stack : message}\n`);
    return toolError(`INTERNAL_ERROR: ${message}`);
  }
}
