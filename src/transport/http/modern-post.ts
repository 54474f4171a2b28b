// Tells a 2026-07-28 (stateless) POST from a legacy one and applies the HTTP binding's checks to it:
// the `_meta` envelope, then the mirrored headers against the body, then the version. What fails
// here is answered at once and reaches no handler, so it is never forwarded.
import type { IncomingHttpHeaders } from 'node:http';
import { isRequest, isResponse, type JsonRpcMessage, type JsonRpcRequest, type JsonRpcErrorResponse } from '../../protocol/jsonrpc.js';
import { checkEnvelope, claimsModernEnvelope, isModernVersion } from '../../protocol/modern-envelope.js';
import { notificationHeaderMismatch, requestHeaderMismatch, type MirroredHeaders } from '../../protocol/modern-headers.js';
import type { ParseResult } from '../../protocol/parse-message.js';
import { httpStatusFor, wireError } from '../../protocol/wire-errors.js';

export type ModernPost =
  /** Not a modern request: the legacy (session) rules apply. */
  | { kind: 'legacy' }
  | { kind: 'refused'; status: number; error: JsonRpcErrorResponse }
  | { kind: 'request'; request: JsonRpcRequest }
  /** A notification: nothing to forward it to without a session; accepted (202) and dropped. */
  | { kind: 'notification' };

/** Whether a GET/DELETE comes from a modern client, which has no use for either (405). */
export function isModernVerbProbe(headers: IncomingHttpHeaders, sessionId: string | undefined): boolean {
  return sessionId === undefined && isModernVersion(headerValue(headers['mcp-protocol-version']));
}

/**
 * A POST with no `Mcp-Session-Id` is modern when its `MCP-Protocol-Version` header names 2026-07-28
 * or later, or its body claims the `_meta` envelope.
 */
export function classifyPost(headers: IncomingHttpHeaders, distinct: Record<string, string[] | undefined>, sessionId: string | undefined, parsed: Exclude<ParseResult, { kind: 'invalid' }>): ModernPost {
  if (sessionId !== undefined) return { kind: 'legacy' };
  const headerModern = isModernVersion(headerValue(headers['mcp-protocol-version']));
  if (parsed.kind === 'batch') {
    const claimed = parsed.messages.some((message) => 'method' in message && claimsModernEnvelope(message.params));
    return headerModern || claimed ? refused('INVALID_REQUEST', null, 'Invalid Request: 2026-07-28 has no JSON-RPC batches; send one message per POST') : { kind: 'legacy' };
  }
  const message: JsonRpcMessage = parsed.message;
  if (isResponse(message)) {
    return headerModern ? refused('INVALID_REQUEST', null, 'Invalid Request: a 2026-07-28 client never POSTs responses (servers send it no requests)') : { kind: 'legacy' };
  }
  if (!headerModern && !claimsModernEnvelope(message.params)) return { kind: 'legacy' };
  const mirrored = mirroredHeaders(distinct);
  if (!isRequest(message)) {
    const problem = notificationHeaderMismatch(mirrored, message);
    return problem ? refused('HEADER_MISMATCH', null, problem.message, problem.data) : { kind: 'notification' };
  }
  const envelope = checkEnvelope(message.params);
  if (envelope.kind === 'invalid' && envelope.code !== 'UNSUPPORTED_VERSION') {
    const why = headerModern && !claimsModernEnvelope(message.params) ? `${envelope.message} (the MCP-Protocol-Version header names ${headerValue(headers['mcp-protocol-version'])})` : envelope.message;
    return refused(envelope.code, message.id, why, envelope.data);
  }
  const problem = requestHeaderMismatch(mirrored, message);
  if (problem) return refused('HEADER_MISMATCH', message.id, problem.message, problem.data);
  if (envelope.kind === 'invalid') return refused(envelope.code, message.id, envelope.message, envelope.data);
  return { kind: 'request', request: message };
}

function mirroredHeaders(distinct: Record<string, string[] | undefined>): MirroredHeaders {
  const protocolVersion = distinct['mcp-protocol-version'];
  const method = distinct['mcp-method'];
  const name = distinct['mcp-name'];
  return { ...(protocolVersion ? { protocolVersion } : {}), ...(method ? { method } : {}), ...(name ? { name } : {}) };
}

function refused(code: Parameters<typeof wireError>[0], id: JsonRpcRequest['id'] | null, message: string, data?: unknown): ModernPost {
  return { kind: 'refused', status: httpStatusFor(code), error: wireError(code, id, message, data) };
}

/** A header's (first) value. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
