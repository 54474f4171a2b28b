// Shapes shared by the MLflow handler modules: the handler type, tool results, and the error a
// handler throws when a request is well-formed but the registry's state forbids it.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Args } from './args.js';
import type { Registry } from './registry.js';

export type ToolHandler = (registry: Registry, args: Args) => CallToolResult;

// E.g. deleting what is already deleted, or writing to a deleted run.
export class StateError extends Error {}

// Reads and writes answer with the same data twice: JSON text for any client, structuredContent
// for clients that use it.
export function ok(data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(data, null, 2) }], structuredContent: data };
}

export function text(value: string): CallToolResult {
  return { content: [{ type: 'text', text: value }] };
}

export function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
