// Tells a 2026-07-28 (modern) upstream from a legacy one, as PROTOCOL.md §2 "Era detection" says:
// send `server/discover` with the modern envelope. A DiscoverResult, or a modern error (-32020,
// -32021, -32022), means modern; any other error means legacy. On stdio no answer within a short
// time also means legacy (a legacy server may ignore an unknown request, or exit on it); over HTTP
// a timeout or a refused connection is an outage, not a verdict.
import { META, MODERN_VERSION } from '../../protocol/modern-envelope.js';
import { MODERN_ERROR_CODES } from '../../protocol/wire-errors.js';
import type { JsonRpcMessage, JsonRpcRequest } from '../../protocol/jsonrpc.js';
import { createSseParser } from './sse-parser.js';
import { boundedFetch } from './watched-fetch.js';
import { mirroredHeaders } from './modern-fetch.js';
import type { UpstreamLink } from './upstream-link.js';
import { isObject } from '../../lib/is-object.js';

export const TOOLGATE_CLIENT_INFO = { name: 'toolgate', version: '0.1.0' };
/** The probe's id: a string, so it never meets the numeric ids a channel mints. */
const PROBE_ID = 'toolgate-era-probe';

export type EraVerdict =
  | { era: 'modern'; discover: Record<string, unknown> }
  /** Modern, but it would not answer `server/discover` as toolgate asked: no fallback to legacy. */
  | { era: 'modern-refused'; reason: string }
  /** `tentative`: taken as legacy for this connection only (a server error, not an answer). */
  | { era: 'legacy'; reason: string; tentative?: boolean };

/** The `_meta` every request to a modern server carries: toolgate bridges no client capability. */
export function modernEnvelope(): Record<string, unknown> {
  return { [META.protocolVersion]: MODERN_VERSION, [META.clientCapabilities]: {}, [META.clientInfo]: TOOLGATE_CLIENT_INFO };
}

export function discoverRequest(): JsonRpcRequest {
  return { jsonrpc: '2.0', id: PROBE_ID, method: 'server/discover', params: { _meta: modernEnvelope() } };
}

/** The verdict an answer to the probe gives. */
export function verdictOf(answer: unknown): EraVerdict {
  if (!isObject(answer)) return { era: 'legacy', reason: 'the answer to server/discover is not a JSON-RPC response' };
  const result = answer['result'];
  if (isObject(result)) {
    const versions = result['supportedVersions'];
    if (Array.isArray(versions) && versions.includes(MODERN_VERSION)) return { era: 'modern', discover: result };
    return { era: 'legacy', reason: `server/discover does not list ${MODERN_VERSION}` };
  }
  const error = answer['error'];
  const code = isObject(error) ? error['code'] : undefined;
  const message = isObject(error) && typeof error['message'] === 'string' ? error['message'] : '';
  if (typeof code !== 'number' || !MODERN_ERROR_CODES.has(code)) return { era: 'legacy', reason: `server/discover answered ${String(code)} ${message}`.trim() };
  // A dual-era server without 2026-07-28 names the legacy versions it has: legacy it is.
  const supported = isObject(error) && isObject(error['data']) ? error['data']['supported'] : undefined;
  if (code === -32022 && Array.isArray(supported) && !supported.includes(MODERN_VERSION) && supported.some((version) => typeof version === 'string' && version < MODERN_VERSION)) {
    return { era: 'legacy', reason: `the server supports ${supported.join(', ')}` };
  }
  return { era: 'modern-refused', reason: `the server refused server/discover: ${code} ${message}`.trim() };
}

/** Probes a stdio child over its (fresh, unused) link. `exited`: the child ended on the probe. */
export async function probeStdio(link: UpstreamLink, timeoutMs: number): Promise<EraVerdict & { exited?: boolean }> {
  const outcome = await askOnLink(link, discoverRequest(), timeoutMs);
  switch (outcome.kind) {
    case 'answer':
      return verdictOf(outcome.message);
    case 'timeout':
      return { era: 'legacy', reason: `no answer to server/discover within ${timeoutMs} ms` };
    case 'ended':
      return { era: 'legacy', reason: `the server exited on server/discover (${outcome.reason})`, exited: true };
  }
}

export type LinkAnswer = { kind: 'answer'; message: JsonRpcMessage } | { kind: 'timeout' } | { kind: 'ended'; reason: string };

/** Sends one request of the gateway's own (a string id) on a link nothing else uses yet, and waits
 *  for its answer, the link's end, or `timeoutMs`. Later messages are dropped until a channel takes over. */
export function askOnLink(link: UpstreamLink, request: JsonRpcRequest, timeoutMs: number): Promise<LinkAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: LinkAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      link.onMessage(() => undefined);
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ kind: 'timeout' }), timeoutMs);
    link.onMessage((message: JsonRpcMessage) => {
      if ('id' in message && message.id === request.id && !('method' in message)) settle({ kind: 'answer', message });
    });
    link.onClose((reason) => settle({ kind: 'ended', reason }));
    link.send(request).catch((error: unknown) => settle({ kind: 'ended', reason: `could not send ${request.method}: ${(error as Error).message}` }));
  });
}

/** Probes an HTTP server with one POST. Rejects on an outage (no connection, no answer in time). */
export async function probeHttp(url: string, headers: Readonly<Record<string, string>>, timeoutMs: number, maxMessageBytes: number): Promise<EraVerdict> {
  const body = JSON.stringify(discoverRequest());
  const response = await boundedFetch(maxMessageBytes)(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...mirroredHeaders(body) },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const answer = await readAnswer(response, PROBE_ID, maxMessageBytes);
  if (response.status === 200 || response.status === 400) {
    const verdict = verdictOf(answer);
    // An HTTP 200 error from a legacy server (method not found) and a bare 400 both say legacy.
    return verdict;
  }
  // 404/405 (an HTTP+SSE server's endpoint), 406, 415…: not a modern server. A 5xx says nothing
  // either way: the legacy path is tried (as before era detection) and the server probed again next time.
  return { era: 'legacy', reason: `server/discover got HTTP ${response.status}`, ...(response.status >= 500 ? { tentative: true } : {}) };
}

/** The answer to request `id` in an HTTP response: its JSON body, or one event of its SSE stream. */
export async function readAnswer(response: Response, id: string, maxMessageBytes: number): Promise<unknown> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const contentType = response.headers.get('content-type') ?? '';
  return contentType.includes('text/event-stream') ? answerInEventStream(bytes, id, maxMessageBytes) : parseOrUndefined(new TextDecoder().decode(bytes));
}

/** The answer among the events of an SSE answer stream (read with the event-stream parser). */
function answerInEventStream(bytes: Uint8Array, id: string, maxEventBytes: number): unknown {
  let answer: unknown;
  const parser = createSseParser(maxEventBytes, {
    onEvent: ({ data }) => {
      const message = parseOrUndefined(data);
      if (answer === undefined && isObject(message) && message['id'] === id) answer = message;
    },
    onOversize: () => undefined,
  });
  parser.push(bytes);
  return answer;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

