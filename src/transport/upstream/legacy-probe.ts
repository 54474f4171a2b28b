// Tells whether a 2026-07-28 server also serves the legacy era — a dual-era server — by sending it
// `initialize`: an InitializeResult says yes; a refusal (-32022 naming only 2026-07-28, a 400 or
// 404 over HTTP) says it is modern-only. `server/discover` cannot tell: the SDK 2.x dual-era
// servers list only 2026-07-28 in `supportedVersions` (decision 021). A legacy client of a
// dual-era server is then served over a legacy session of its own, with everything it gets directly.
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import type { JsonRpcRequest } from '../../protocol/jsonrpc.js';
import { MODERN_VERSION } from '../../protocol/modern-envelope.js';
import { isObject } from '../../lib/is-object.js';
import { askOnLink, readAnswer, TOOLGATE_CLIENT_INFO } from './era-probe.js';
import { boundedFetch } from './watched-fetch.js';
import type { UpstreamLink } from './upstream-link.js';

const PROBE_ID = 'toolgate-legacy-probe';
/** Answers that say nothing of the server's eras: it wants credentials, or is busy. */
const NO_VERDICT_STATUSES: ReadonlySet<number> = new Set([401, 403, 408, 429]);

export type LegacySupport =
  | { kind: 'dual'; reason: string; version: string }
  /** `exited`: a stdio child that ended on the question. */
  | { kind: 'modern-only'; reason: string; exited?: boolean }
  /** No answer either way (silence, a 5xx, a broken body): bridged this once, asked again next time. */
  | { kind: 'undecided'; reason: string };

export function initializeProbe(): JsonRpcRequest {
  return { jsonrpc: '2.0', id: PROBE_ID, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: TOOLGATE_CLIENT_INFO } };
}

/** What a JSON-RPC answer to the `initialize` probe says. */
export function legacySupportOf(answer: unknown): LegacySupport {
  const result = isObject(answer) ? answer['result'] : undefined;
  const version = isObject(result) ? result['protocolVersion'] : undefined;
  if (typeof version === 'string' && version < MODERN_VERSION) return { kind: 'dual', reason: `it answers initialize with ${version}`, version };
  if (isObject(result)) return { kind: 'modern-only', reason: 'its answer to initialize is not an InitializeResult of a legacy revision' };
  const error = isObject(answer) ? answer['error'] : undefined;
  if (!isObject(error)) return { kind: 'undecided', reason: 'no JSON-RPC answer to initialize' };
  const message = typeof error['message'] === 'string' ? error['message'] : '';
  return { kind: 'modern-only', reason: `it refuses initialize: ${String(error['code'])} ${message}`.trim() };
}

/** Asks a stdio child over a link whose `server/discover` it already answered. A child that
 *  answered is initialized by toolgate now: a legacy session needs a child of its own. */
export async function probeLegacyStdio(link: UpstreamLink, timeoutMs: number): Promise<LegacySupport> {
  const outcome = await askOnLink(link, initializeProbe(), timeoutMs);
  if (outcome.kind === 'answer') return legacySupportOf(outcome.message);
  if (outcome.kind === 'timeout') return { kind: 'undecided', reason: `no answer to initialize within ${timeoutMs} ms` };
  return { kind: 'modern-only', reason: `the server exited on initialize (${outcome.reason})`, exited: true };
}

/** One POST of `initialize`; a session it opened is ended at once (DELETE). */
export async function probeLegacyHttp(url: string, headers: Readonly<Record<string, string>>, timeoutMs: number, maxMessageBytes: number): Promise<LegacySupport> {
  let response: Response;
  try {
    response = await boundedFetch(maxMessageBytes)(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(initializeProbe()),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { kind: 'undecided', reason: `initialize failed: ${(error as Error).message}` };
  }
  const session = response.headers.get('mcp-session-id');
  const verdict = await verdictOfResponse(response, maxMessageBytes);
  if (session) await endSession(url, headers, session, verdict.kind === 'dual' ? verdict.version : undefined, timeoutMs);
  return verdict;
}

async function verdictOfResponse(response: Response, maxMessageBytes: number): Promise<LegacySupport> {
  if (response.status >= 500 || NO_VERDICT_STATUSES.has(response.status)) {
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'undecided', reason: `initialize got HTTP ${response.status}` };
  }
  let answer: unknown;
  try {
    answer = await readAnswer(response, PROBE_ID, maxMessageBytes);
  } catch (error) {
    return { kind: 'undecided', reason: `the answer to initialize could not be read: ${(error as Error).message}` };
  }
  const verdict = legacySupportOf(answer);
  // A 4xx with no JSON-RPC body (404, 405 of a server with no legacy endpoint) is a refusal too.
  if (verdict.kind === 'undecided' && response.status >= 400) return { kind: 'modern-only', reason: `it refuses initialize: HTTP ${response.status}` };
  return verdict;
}

async function endSession(url: string, headers: Readonly<Record<string, string>>, session: string, version: string | undefined, timeoutMs: number): Promise<void> {
  await fetch(url, {
    method: 'DELETE',
    headers: { ...headers, 'mcp-session-id': session, ...(version ? { 'mcp-protocol-version': version } : {}) },
    signal: AbortSignal.timeout(timeoutMs),
  })
    .then((response) => response.body?.cancel())
    .catch(() => undefined);
}
