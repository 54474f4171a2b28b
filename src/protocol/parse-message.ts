// Turns the bytes of one HTTP body or stdio line into JSON-RPC messages, refusing what is not one
// or could be read two ways, and returns the gateway's own canonical copy of what it accepted.
import { jsonShapeProblem } from './json-shape.js';
import type { JsonRpcMessage } from './jsonrpc.js';
import { caseVariantProblem, ENVELOPE_KEYS, META_KEYS, nearMissMethod, PARAMS_KEYS, valueProblem } from './strict-values.js';
import type { GatewayErrorCode } from './wire-errors.js';
import { isObject } from '../lib/is-object.js';

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
  // Depth first: valueProblem recurses, and only a bounded depth is safe to walk.
  const ambiguity = jsonShapeProblem(text) ?? valueProblem(value);
  if (ambiguity) return { kind: 'invalid', code: 'INVALID_REQUEST', message: `Invalid Request: ${ambiguity}` };
  if (Array.isArray(value)) {
    if (value.length === 0) return { kind: 'invalid', code: 'INVALID_REQUEST', message: 'Invalid Request: empty batch' };
    const messages: JsonRpcMessage[] = [];
    for (const [index, item] of value.entries()) {
      const problem = shapeProblem(item);
      if (problem) return { kind: 'invalid', code: 'INVALID_REQUEST', message: `Invalid Request: batch[${index}]: ${problem}` };
      const message = canonical(item as Record<string, unknown>);
      if ('method' in message && 'id' in message) {
        return { kind: 'invalid', code: 'BATCH_WITH_REQUEST', message: `Invalid Request: batch[${index}] is a request; send requests one per message` };
      }
      messages.push(message);
    }
    return { kind: 'batch', messages };
  }
  const problem = shapeProblem(value);
  if (problem) return { kind: 'invalid', code: 'INVALID_REQUEST', message: `Invalid Request: ${problem}` };
  return { kind: 'single', message: canonical(value as Record<string, unknown>) };
}

/**
 * The message rebuilt from its protocol members only: what goes upstream is this re-serialisation
 * of what was judged, never the client's bytes nor members the gateway did not look at.
 */
function canonical(record: Record<string, unknown>): JsonRpcMessage {
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(record, key);
  const copy: Record<string, unknown> = { jsonrpc: '2.0' };
  if (has('id')) copy['id'] = record['id'];
  if (has('method')) {
    copy['method'] = record['method'];
    if (record['params'] !== undefined) copy['params'] = record['params'];
  } else if (has('result')) copy['result'] = record['result'];
  else copy['error'] = record['error'];
  return copy as unknown as JsonRpcMessage;
}

function shapeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'a message must be a JSON object';
  const record = value as Record<string, unknown>;
  const variant = caseVariantProblem(record, ENVELOPE_KEYS, '');
  if (variant) return variant;
  if (record['jsonrpc'] !== '2.0') return '"jsonrpc" must be "2.0"';
  const hasId = 'id' in record;
  if ('method' in record) return requestProblem(record, hasId);
  if (!hasId) return 'a message needs "method" (request or notification) or "id" (response)';
  if (record['id'] !== null && !isValidId(record['id'])) return '"id" must be a string or an integer';
  const hasResult = 'result' in record;
  const hasError = 'error' in record;
  if (hasResult === hasError) return 'a response carries exactly one of "result" and "error"';
  if (hasResult && !isObject(record['result'])) return '"result" must be an object';
  if (hasError) {
    const error = record['error'];
    if (!isObject(error) || !Number.isSafeInteger(error['code']) || typeof error['message'] !== 'string') {
      return '"error" must be an object with an integer "code" and a string "message"';
    }
  }
  return undefined;
}

function requestProblem(record: Record<string, unknown>, hasId: boolean): string | undefined {
  const method = record['method'];
  if (typeof method !== 'string' || method === '') return '"method" must be a non-empty string';
  if ('result' in record || 'error' in record) return 'a request or notification carries no "result" or "error"';
  if (hasId && !isValidId(record['id'])) return '"id" must be a string or an integer';
  const nearMiss = nearMissMethod(method);
  if (nearMiss) return nearMiss;
  // A method without an id is a notification; MCP notifications are all `notifications/…`. Anything
  // else (a `tools/call` without an id) would reach the server unjudged, so it is refused.
  if (!hasId && !method.startsWith('notifications/')) {
    return `"${method}" without an "id" is not a notification; requests need an "id"`;
  }
  const params = record['params'];
  if (params === undefined) return undefined;
  if (!isObject(params)) return '"params" must be an object';
  return caseVariantProblem(params, PARAMS_KEYS, 'params') ?? metaProblem(params);
}

/** MCP's `_meta` is an object and its `progressToken` a string or an integer: a server's schema drops
 *  a request that breaks either without answering, so the client would wait for nothing. */
function metaProblem(params: Record<string, unknown>): string | undefined {
  if (!('_meta' in params)) return undefined;
  const meta = params['_meta'];
  if (!isObject(meta)) return '"params._meta" must be an object';
  if ('progressToken' in meta && !isValidId(meta['progressToken'])) return '"params._meta.progressToken" must be a string or an integer';
  return caseVariantProblem(meta, META_KEYS, 'params._meta');
}


function isValidId(id: unknown): boolean {
  return typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id));
}
