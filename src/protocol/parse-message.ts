// Turns the bytes of one HTTP body or stdio line into JSON-RPC messages, refusing what is not one.
import { jsonShapeProblem } from './json-shape.js';
import type { JsonRpcMessage } from './jsonrpc.js';
import type { GatewayErrorCode } from './wire-errors.js';

export type ParseResult =
  | { kind: 'single'; message: JsonRpcMessage }
  /** A batch of notifications and responses only (a batch carrying a request is refused). */
  | { kind: 'batch'; messages: JsonRpcMessage[] }
  | { kind: 'invalid'; code: GatewayErrorCode; message: string };

export function parseMessages(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', code: 'PARSE_ERROR', message: `Parse error: ${(error as Error).message}` };
  }
  const ambiguity = jsonShapeProblem(text);
  if (ambiguity) return { kind: 'invalid', code: 'INVALID_REQUEST', message: `Invalid Request: ${ambiguity}` };
  if (Array.isArray(value)) {
    if (value.length === 0) return { kind: 'invalid', code: 'INVALID_REQUEST', message: 'Invalid Request: empty batch' };
    const messages: JsonRpcMessage[] = [];
    for (const [index, item] of value.entries()) {
      const problem = shapeProblem(item);
      if (problem) return { kind: 'invalid', code: 'INVALID_REQUEST', message: `Invalid Request: batch[${index}]: ${problem}` };
      const message = item as JsonRpcMessage;
      if ('method' in message && 'id' in message) {
        return { kind: 'invalid', code: 'BATCH_WITH_REQUEST', message: `Invalid Request: batch[${index}] is a request; send requests one per message` };
      }
      messages.push(message);
    }
    return { kind: 'batch', messages };
  }
  const problem = shapeProblem(value);
  if (problem) return { kind: 'invalid', code: 'INVALID_REQUEST', message: `Invalid Request: ${problem}` };
  return { kind: 'single', message: value as JsonRpcMessage };
}

function shapeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'a message must be a JSON object';
  const record = value as Record<string, unknown>;
  if (record['jsonrpc'] !== '2.0') return '"jsonrpc" must be "2.0"';
  const hasId = 'id' in record;
  if ('method' in record) {
    if (typeof record['method'] !== 'string' || record['method'] === '') return '"method" must be a non-empty string';
    if (hasId && !isValidId(record['id'])) return '"id" must be a string or an integer';
    // A method without an id is a notification; MCP notifications are all `notifications/…`. Anything
    // else (a `tools/call` without an id) would reach the server unjudged, so it is refused.
    if (!hasId && !(record['method'] as string).startsWith('notifications/')) {
      return `"${String(record['method'])}" without an "id" is not a notification; requests need an "id"`;
    }
    const params = record['params'];
    if (params !== undefined && (params === null || typeof params !== 'object' || Array.isArray(params))) return '"params" must be an object';
    return undefined;
  }
  if (!hasId) return 'a message needs "method" (request or notification) or "id" (response)';
  if (record['id'] !== null && !isValidId(record['id'])) return '"id" must be a string or an integer';
  const hasResult = 'result' in record;
  const hasError = 'error' in record;
  if (hasResult === hasError) return 'a response carries exactly one of "result" and "error"';
  return undefined;
}

function isValidId(id: unknown): boolean {
  return typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id));
}
