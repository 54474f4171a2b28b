// JSON-RPC errors are built here and only here: local failures carry a string code, and one table
// maps each code to what the client sees (pinned by wire-errors.test.ts and listed in docs/errors.md).
import type { JsonRpcErrorResponse, JsonRpcId, JsonRpcResponse } from './jsonrpc.js';

export const JSONRPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
} as const;

/** Every failure a client can be told about. */
export type GatewayErrorCode =
  | 'PARSE_ERROR'
  | 'INVALID_REQUEST'
  | 'BATCH_WITH_REQUEST'
  | 'INVALID_TOOL_CALL'
  | 'UNKNOWN_TOOL'
  | 'SESSION_REQUIRED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_CLOSED'
  | 'UPSTREAM_TIMEOUT'
  | 'INTERNAL'
  | 'METHOD_NOT_FOUND'
  | 'INVALID_ENVELOPE'
  | 'HEADER_MISMATCH'
  | 'MISSING_CLIENT_CAPABILITY'
  | 'UNSUPPORTED_VERSION';

/** JSON-RPC code, and the HTTP status used when the error ends an HTTP exchange by itself. */
export const WIRE_ERRORS: Readonly<Record<GatewayErrorCode, { code: number; httpStatus: number }>> = {
  PARSE_ERROR: { code: JSONRPC.PARSE_ERROR, httpStatus: 400 },
  INVALID_REQUEST: { code: JSONRPC.INVALID_REQUEST, httpStatus: 400 },
  BATCH_WITH_REQUEST: { code: JSONRPC.INVALID_REQUEST, httpStatus: 400 },
  INVALID_TOOL_CALL: { code: JSONRPC.INVALID_PARAMS, httpStatus: 200 },
  UNKNOWN_TOOL: { code: JSONRPC.INVALID_PARAMS, httpStatus: 200 },
  SESSION_REQUIRED: { code: JSONRPC.INVALID_REQUEST, httpStatus: 400 },
  UPSTREAM_UNAVAILABLE: { code: -32010, httpStatus: 200 },
  UPSTREAM_CLOSED: { code: -32011, httpStatus: 200 },
  UPSTREAM_TIMEOUT: { code: -32012, httpStatus: 200 },
  INTERNAL: { code: JSONRPC.INTERNAL_ERROR, httpStatus: 500 },
  // 2026-07-28 (stateless) clients only: see docs/protocol-eras.md.
  METHOD_NOT_FOUND: { code: JSONRPC.METHOD_NOT_FOUND, httpStatus: 404 },
  INVALID_ENVELOPE: { code: JSONRPC.INVALID_PARAMS, httpStatus: 400 },
  HEADER_MISMATCH: { code: -32020, httpStatus: 400 },
  MISSING_CLIENT_CAPABILITY: { code: -32021, httpStatus: 400 },
  UNSUPPORTED_VERSION: { code: -32022, httpStatus: 400 },
};

/** The codes only the 2026-07-28 revision defines (header mismatch, missing capability, unsupported
 *  version): a server that answers with one speaks that revision. */
export const MODERN_ERROR_CODES: ReadonlySet<number> = new Set(
  (['HEADER_MISMATCH', 'MISSING_CLIENT_CAPABILITY', 'UNSUPPORTED_VERSION'] as const).map((code) => WIRE_ERRORS[code].code),
);

/** Codes whose HTTP status the 2026-07-28 binding fixes even when the error is the answer to a
 *  forwarded request (an unknown method is 404; header and version problems are 400). */
const MODERN_HTTP_STATUS: ReadonlyMap<number, number> = new Map([
  [JSONRPC.METHOD_NOT_FOUND, 404],
  ...[...MODERN_ERROR_CODES].map((code) => [code, 400] as const),
]);

export function wireError(code: GatewayErrorCode, id: JsonRpcId | null, message: string, data?: unknown): JsonRpcErrorResponse {
  const error = { code: WIRE_ERRORS[code].code, message, ...(data === undefined ? {} : { data }) };
  return { jsonrpc: '2.0', id, error };
}

export function httpStatusFor(code: GatewayErrorCode): number {
  return WIRE_ERRORS[code].httpStatus;
}

/** The HTTP status of a 2026-07-28 exchange that ends with `response`. */
export function modernHttpStatus(response: JsonRpcResponse): number {
  return 'error' in response ? (MODERN_HTTP_STATUS.get(response.error.code) ?? 200) : 200;
}
