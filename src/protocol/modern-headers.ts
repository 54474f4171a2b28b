// The 2026-07-28 HTTP headers that mirror the body (`MCP-Protocol-Version`, `Mcp-Method`,
// `Mcp-Name`): each must be present where required and say what the body says. The body is what
// the gateway judges; a header that disagrees could steer something in front of it another way.
import type { JsonRpcNotification, JsonRpcRequest } from './jsonrpc.js';
import { META, metaOf } from './modern-envelope.js';

/** Each header's values as received, one entry per occurrence (names are case-insensitive on the wire). */
export interface MirroredHeaders {
  protocolVersion?: readonly string[];
  method?: readonly string[];
  name?: readonly string[];
}

export interface HeaderMismatch {
  message: string;
  data: { header: string; value: string | null; body: string | null };
}

/** Which body field `Mcp-Name` mirrors, per method. */
export const NAME_SOURCE: Readonly<Record<string, string>> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

const BASE64_PREFIX = '=?base64?';
const BASE64_SUFFIX = '?=';
/** Visible ASCII and inner spaces: sent as is. Anything else (control characters, non-ASCII, edge
 *  whitespace) is sent as canonical Base64 of its UTF-8. */
const PLAIN_HEADER_TEXT = /^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/;

/** A header value as a modern upstream must receive it: the inverse of `decodeHeaderValue`. */
export function encodeHeaderValue(value: string): string {
  if (PLAIN_HEADER_TEXT.test(value) && !value.startsWith(BASE64_PREFIX)) return value;
  return `${BASE64_PREFIX}${Buffer.from(value, 'utf8').toString('base64')}${BASE64_SUFFIX}`;
}
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A header value as the client meant it: `=?base64?…?=` decoded (canonical Base64 of UTF-8 only),
 * anything else as sent. Undefined when the Base64 form is malformed.
 */
export function decodeHeaderValue(value: string): string | undefined {
  if (!(value.startsWith(BASE64_PREFIX) && value.endsWith(BASE64_SUFFIX) && value.length >= BASE64_PREFIX.length + BASE64_SUFFIX.length)) return value;
  const encoded = value.slice(BASE64_PREFIX.length, value.length - BASE64_SUFFIX.length);
  if (!CANONICAL_BASE64.test(encoded)) return undefined;
  try {
    return utf8.decode(Buffer.from(encoded, 'base64'));
  } catch {
    return undefined;
  }
}

/** The first way the headers fail to mirror a modern request's body, or undefined. */
export function requestHeaderMismatch(headers: MirroredHeaders, request: JsonRpcRequest): HeaderMismatch | undefined {
  const bodyVersion = metaOf(request.params)?.[META.protocolVersion];
  const versionProblem = compare('MCP-Protocol-Version', headers.protocolVersion, typeof bodyVersion === 'string' ? bodyVersion : null, `params._meta["${META.protocolVersion}"]`, false);
  if (versionProblem) return versionProblem;
  const methodProblem = compare('Mcp-Method', headers.method, request.method, 'method', false);
  if (methodProblem) return methodProblem;
  const field = NAME_SOURCE[request.method];
  if (field === undefined) return undefined;
  const bodyName = request.params?.[field];
  // A body without a string name is refused further in (tools/call needs one); a header naming
  // something the body does not is still a disagreement.
  if (typeof bodyName !== 'string') {
    if (headers.name === undefined) return undefined;
    return mismatch('Mcp-Name', headers.name.join(', '), null, `the Mcp-Name header is present but the body's params.${field} is not a string`);
  }
  return compare('Mcp-Name', headers.name, bodyName, `params.${field}`, true);
}

/** Notifications need no `Mcp-Method`/`Mcp-Name`, but those sent must still agree with the body. */
export function notificationHeaderMismatch(headers: MirroredHeaders, notification: JsonRpcNotification): HeaderMismatch | undefined {
  const bodyVersion = metaOf(notification.params)?.[META.protocolVersion];
  if (headers.protocolVersion !== undefined && typeof bodyVersion === 'string') {
    const problem = compare('MCP-Protocol-Version', headers.protocolVersion, bodyVersion, `params._meta["${META.protocolVersion}"]`, false);
    if (problem) return problem;
  }
  return headers.method === undefined ? undefined : compare('Mcp-Method', headers.method, notification.method, 'method', false);
}

function compare(header: string, values: readonly string[] | undefined, body: string | null, bodyField: string, encoded: boolean): HeaderMismatch | undefined {
  if (values === undefined || values.length === 0) {
    return mismatch(header, null, body, `the ${header} header is required and missing (the body's ${bodyField} is ${describe(body)})`);
  }
  if (values.length > 1) return mismatch(header, values.join(', '), body, `the ${header} header is sent ${values.length} times; send it once`);
  const raw = trimOws(values[0]!);
  const value = encoded ? decodeHeaderValue(raw) : raw;
  if (value === undefined) return mismatch(header, raw, body, `the ${header} header ${JSON.stringify(raw)} is not valid =?base64?…?= (canonical Base64 of UTF-8)`);
  if (value === body) return undefined;
  const shown = value === raw ? JSON.stringify(raw) : `${JSON.stringify(raw)} (decoded: ${JSON.stringify(value)})`;
  return mismatch(header, raw, body, `the ${header} header says ${shown} but the body's ${bodyField} is ${describe(body)}`);
}

function mismatch(header: string, value: string | null, body: string | null, why: string): HeaderMismatch {
  return { message: `Header mismatch: ${why}`, data: { header, value, body } };
}

function describe(body: string | null): string {
  return body === null ? 'absent' : JSON.stringify(body);
}

/** RFC 9110 optional whitespace around a field value is not part of it. */
function trimOws(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}
