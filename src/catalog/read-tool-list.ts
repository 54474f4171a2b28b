// Reads tool definitions from a `tools/list` result as JSON: `{"tools": [...]}`, a JSON-RPC
// response carrying that result, or a bare array. Every problem is reported with its path.
import type { ToolDefinition } from './tool-types.js';
import { isObject } from '../lib/is-object.js';

export type ToolListReading = { kind: 'ok'; tools: ToolDefinition[] } | { kind: 'invalid'; errors: string[] };

export function readToolList(raw: unknown): ToolListReading {
  const list = listOf(raw);
  if (!list) return { kind: 'invalid', errors: ['expected {"tools": [...]}, a tools/list response, or an array of tools'] };
  const errors: string[] = [];
  const tools: ToolDefinition[] = [];
  list.forEach((item, index) => {
    const path = `tools[${index}]`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) return errors.push(`${path}: must be an object`);
    const tool = item as Record<string, unknown>;
    if (typeof tool['name'] !== 'string' || tool['name'] === '') return errors.push(`${path}.name: must be a non-empty string`);
    if (tool['description'] !== undefined && typeof tool['description'] !== 'string') errors.push(`${path}.description: must be a string`);
    if (tool['inputSchema'] !== undefined && !isObject(tool['inputSchema'])) errors.push(`${path}.inputSchema: must be an object`);
    if (tool['annotations'] !== undefined && !isObject(tool['annotations'])) errors.push(`${path}.annotations: must be an object`);
    tools.push(tool as ToolDefinition);
    return undefined;
  });
  return errors.length > 0 ? { kind: 'invalid', errors } : { kind: 'ok', tools };
}

function listOf(raw: unknown): unknown[] | undefined {
  if (Array.isArray(raw)) return raw;
  if (!isObject(raw)) return undefined;
  if (Array.isArray(raw['tools'])) return raw['tools'];
  const result = raw['result'];
  if (isObject(result) && Array.isArray(result['tools'])) return result['tools'];
  return undefined;
}

