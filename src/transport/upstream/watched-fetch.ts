// A fetch for the SDK's HTTP client transports that notices when a request's answer can no longer
// come: its POST failed after it may have reached the server, or its SSE answer stream broke. The
// SDK only logs those; without this, the caller would wait for the whole request timeout. It also
// bounds every response body (see bounded-body.ts): an oversize answer fails its request at once.
import type { JsonRpcId } from '../../protocol/jsonrpc.js';
import { CR, LF, sizeBound, tapBody, type BodyTap } from './bounded-body.js';
import { DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES, UpstreamMessageTooLargeError } from './message-bound.js';

export type LostHandler = (id: JsonRpcId, reason: string) => void;

/** Failures that prove nothing reached the server: no connection was ever made. */
export const NOT_CONNECTED: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** A stream's end is reported after this delay, so the SDK first dispatches what it already read
 *  (the answer itself, usually: the end of an SSE answer stream follows its response). */
const REPORT_DELAY_MS = 50;
/** "id:", the start of an SSE line that gives its event an id. */
const EVENT_ID = [0x69, 0x64, 0x3a];

export function watchedFetch(onLost: LostHandler, base: typeof fetch = fetch, maxMessageBytes = DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES): typeof fetch {
  return async (input, init) => {
    const id = requestIdOf(init);
    let response: Response;
    try {
      response = await base(input, init);
    } catch (error) {
      if (id !== undefined && !init?.signal?.aborted && !NOT_CONNECTED.has(causeCode(error))) {
        onLost(id, `the request failed after it was sent: ${describe(error)}`);
      }
      throw error;
    }
    // Error answers too: the SDK reads their whole body into its error message.
    if (!response.body) return response;
    const sse = isEventStream(response);
    const taps = [sizeBound(sse, maxMessageBytes)];
    if (id !== undefined && response.ok) {
      taps.push(answerWatch(sse, (reason) => {
        if (!init?.signal?.aborted) onLost(id, reason);
      }));
    }
    return withBody(response, tapBody(response.body, taps));
  };
}

/** A fetch whose response bodies are bounded and nothing more: for the legacy HTTP+SSE event stream,
 *  which carries every answer of the session but is no request's own answer, and for `toolgate scan`. */
export function boundedFetch(maxMessageBytes = DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    if (!response.body) return response;
    return withBody(response, tapBody(response.body, [sizeBound(isEventStream(response), maxMessageBytes)]));
  };
}

function isEventStream(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('text/event-stream');
}

function withBody(response: Response, body: ReadableStream<Uint8Array>): Response {
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Calls `lost` when the answer's body breaks, or when an SSE answer stream ends that carried no
 *  event id (with one, the SDK resumes the stream and the answer may still come; not after an
 *  oversize message, which a resumed stream would only send again). */
function answerWatch(sse: boolean, lost: (reason: string) => void): BodyTap {
  let resumable = false;
  // How much of "id:" the current line has begun with; -1 once it begins otherwise. Read off the
  // bytes as they pass: no decoding, no copy of the answer.
  let matched = 0;
  const report = (reason: string): void => {
    if (!sse) return lost(reason);
    if (!resumable) setTimeout(() => lost(reason), REPORT_DELAY_MS).unref();
  };
  return {
    chunk: (bytes) => {
      if (!sse || resumable) return undefined;
      for (let i = 0; i < bytes.length; i += 1) {
        const byte = bytes[i]!;
        if (byte === LF || byte === CR) matched = 0;
        else if (matched >= 0) matched = byte === EVENT_ID[matched] ? matched + 1 : -1;
        if (matched === EVENT_ID.length) {
          resumable = true;
          break;
        }
      }
      return undefined;
    },
    end: () => {
      if (sse) report('the server ended the answer stream without an answer');
    },
    broke: (error) => {
      if (error instanceof UpstreamMessageTooLargeError) lost(error.message);
      else report(`the server's answer stream broke: ${describe(error)}`);
    },
  };
}

function requestIdOf(init: RequestInit | undefined): JsonRpcId | undefined {
  if (init?.method !== 'POST' || typeof init.body !== 'string') return undefined;
  try {
    const message = JSON.parse(init.body) as { method?: unknown; id?: unknown };
    const id = message.id;
    return typeof message.method === 'string' && (typeof id === 'string' || typeof id === 'number') ? id : undefined;
  } catch {
    return undefined;
  }
}

export function causeCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : '';
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = causeCode(error);
  return code ? `${message} (${code})` : message;
}
