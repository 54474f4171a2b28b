// The shape of the hand-labelled tool set and a compact way to write it: one call per tool, with
// parameters as `name:type(description)|…` and the label a person gave the tool's effect.
import type { ToolCategory, ToolDefinition, ToolAnnotations } from '../../src/catalog/tool-types.js';

export interface LabelledTool {
  server: string;
  tool: ToolDefinition;
  label: ToolCategory;
  /** Why a hard case carries its label (one line). */
  why?: string;
}

interface EntryOptions {
  ann?: ToolAnnotations;
  why?: string;
}

export const RO: ToolAnnotations = { readOnlyHint: true };
export const RW: ToolAnnotations = { readOnlyHint: false };
export const SAFE_WRITE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false };
export const DESTRUCTIVE: ToolAnnotations = { readOnlyHint: false, destructiveHint: true };
export const IDEMPOTENT: ToolAnnotations = { readOnlyHint: false, idempotentHint: true };
export const OPEN_WORLD: ToolAnnotations = { openWorldHint: true };

/** `'path|recursive:boolean|sql:string(SELECT only)'` → a JSON Schema object. */
export function params(spec: string): ToolDefinition['inputSchema'] {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const part of spec.split('|').map((piece) => piece.trim()).filter(Boolean)) {
    const match = /^([A-Za-z0-9_.-]+)(?::([a-z]+))?(?:\((.*)\))?$/.exec(part);
    if (!match) throw new Error(`bad parameter spec: ${part}`);
    const [, name = '', type = 'string', description] = match;
    properties[name] = { type, ...(description ? { description } : {}) };
  }
  return { type: 'object', properties };
}

export function t(server: string, name: string, description: string, spec: string, label: ToolCategory, options: EntryOptions = {}): LabelledTool {
  const tool: ToolDefinition = { name, inputSchema: params(spec), ...(description ? { description } : {}), ...(options.ann ? { annotations: options.ann } : {}) };
  return { server, tool, label, ...(options.why ? { why: options.why } : {}) };
}
