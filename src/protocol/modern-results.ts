// What a 2026-07-28 client expects back that a legacy server does not write: the `server/discover`
// answer (built from the server's initialize result), `resultType`, cache hints, serverInfo in
// `_meta`, and the error codes the new revision renamed.
import { isErrorResponse, type JsonRpcResponse } from './jsonrpc.js';
import { META, SUPPORTED_VERSIONS } from './modern-envelope.js';
import { isObject } from '../lib/is-object.js';

/** Requests the 2026-07-28 revision removed: answered 404 + -32601, never forwarded. */
export const REMOVED_METHODS: ReadonlySet<string> = new Set([
  'initialize', 'ping', 'logging/setLevel', 'resources/subscribe', 'resources/unsubscribe',
  // Core tasks became an extension; toolgate does not bridge it.
  'tasks/get', 'tasks/result', 'tasks/list', 'tasks/cancel',
]);

/** Results that carry `ttlMs`/`cacheScope`. Per-grant (policy-filtered) answers are private, and a
 *  policy can change at any time, so nothing is cached: ttl 0. */
const CACHEABLE_METHODS: ReadonlySet<string> = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read']);

/** The server capabilities toolgate bridges to a modern client. No `listChanged`/`subscribe`
 *  (that would need `subscriptions/listen`), no logging, sampling, elicitation or tasks. */
const BRIDGED_CAPABILITIES = ['tools', 'resources', 'prompts', 'completions'] as const;

/** The `server/discover` result, from the upstream's initialize result. */
export function discoverResult(initialize: Record<string, unknown>): Record<string, unknown> {
  const instructions = initialize['instructions'];
  const serverInfo = initialize['serverInfo'];
  return {
    resultType: 'complete',
    supportedVersions: [...SUPPORTED_VERSIONS],
    capabilities: bridgedCapabilities(initialize['capabilities']),
    ...(typeof instructions === 'string' ? { instructions } : {}),
    ttlMs: 0,
    cacheScope: 'private',
    ...(isObject(serverInfo) ? { _meta: { [META.serverInfo]: serverInfo } } : {}),
  };
}

export function bridgedCapabilities(upstream: unknown): Record<string, unknown> {
  const capabilities: Record<string, unknown> = {};
  if (!isObject(upstream)) return capabilities;
  for (const name of BRIDGED_CAPABILITIES) if (isObject(upstream[name])) capabilities[name] = {};
  return capabilities;
}

/**
 * A legacy server's answer to `method`, as a modern client reads it. `serverInfo` is the server's
 * self-description from its initialize result, when known.
 */
export function toModernResponse(method: string, response: JsonRpcResponse, serverInfo?: unknown): JsonRpcResponse {
  if (isErrorResponse(response)) {
    // A missing resource was -32002 in 2025; 2026-07-28 says -32602.
    if (response.error.code === -32002) return { ...response, error: { ...response.error, code: -32602 } };
    return response;
  }
  const result: Record<string, unknown> = { ...response.result, resultType: 'complete' };
  if (CACHEABLE_METHODS.has(method)) {
    result['ttlMs'] = 0;
    result['cacheScope'] = 'private';
  }
  if (isObject(serverInfo)) {
    const meta = isObject(result['_meta']) ? result['_meta'] : {};
    result['_meta'] = { ...meta, [META.serverInfo]: serverInfo };
  }
  return { ...response, result };
}

