// The GET event stream of a Streamable HTTP upstream session (server messages sent outside any
// request), read with node:http instead of the SDK's fetch + web streams pipeline, which costs ~50 KB
// of heap per session against ~6 KB (see docs/decisions/018-light-upstream-event-stream.md).
// Reconnects with Last-Event-ID while open; a 405 answer means the server offers no such stream.
// `open()` tells when the server has answered the first GET: from then on the server holds the
// stream, so what it sends outside any request reaches us (an SDK server drops it otherwise).
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { UpstreamMessageTooLargeError } from './message-bound.js';
import { createSseParser } from './sse-parser.js';

export interface UpstreamEventStreamOptions {
  url: URL;
  /** The headers of each (re)connection: the config's, the session id, the protocol version. */
  headers: () => Record<string, string>;
  maxMessageBytes: number;
  onMessage: (message: JSONRPCMessage) => void;
  onError: (error: Error) => void;
}

export interface UpstreamEventStream {
  /** Opens the stream (once; later calls return the same promise). Resolves when the first GET
   *  has its answer — the stream is held by the server, or refused (405, an error) — or failed
   *  to connect, or the stream was closed; never rejects. */
  open(): Promise<void>;
  /** Ends the stream for good. */
  close(): void;
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
/** Failed attempts in a row (no 2xx answer) after which the stream is given up, as the SDK does. */
const MAX_FAILED_ATTEMPTS = 3;

export function createUpstreamEventStream(options: UpstreamEventStreamOptions): UpstreamEventStream {
  const { url } = options;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  let opened: Promise<void> | undefined;
  let answered: () => void = () => undefined;
  let closed = false;
  let current: ClientRequest | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let serverRetryMs: number | undefined;
  let lastEventId = '';

  const fail = (message: string): void => options.onError(new Error(`GET event stream of ${url.href}: ${message}`));

  const retry = (): void => {
    if (closed) return;
    if (failures >= MAX_FAILED_ATTEMPTS) return fail(`given up after ${failures} failed attempts`);
    const delay = serverRetryMs ?? Math.min(FIRST_RETRY_MS * 1.5 ** failures, MAX_RETRY_MS);
    timer = setTimeout(connect, delay);
    timer.unref();
  };

  const read = (response: IncomingMessage): void => {
    const parser = createSseParser(options.maxMessageBytes, {
      onEvent: (event) => {
        if (event.type !== '' && event.type !== 'message') return;
        let message: JSONRPCMessage;
        try {
          message = JSONRPCMessageSchema.parse(JSON.parse(event.data));
        } catch (error) {
          return fail(`an event is not a JSON-RPC message: ${error instanceof Error ? error.message : String(error)}`);
        }
        options.onMessage(message);
      },
      onOversize: (max) => options.onError(new UpstreamMessageTooLargeError(max, 'one event of the GET event stream; dropped')),
      onRetry: (ms) => {
        serverRetryMs = ms;
      },
    });
    response.on('data', (chunk: Buffer) => {
      parser.push(chunk);
      if (parser.lastEventId) lastEventId = parser.lastEventId;
    });
  };

  function connect(): void {
    timer = undefined;
    if (closed) return;
    const headers: Record<string, string> = { ...options.headers(), accept: 'text/event-stream' };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    let ended = false;
    const finish = (why: () => void): void => {
      if (ended) return;
      ended = true;
      current = undefined;
      answered();
      why();
    };
    const req = send(url, { method: 'GET', headers }, (response) => {
      answered();
      const status = response.statusCode ?? 0;
      if (status === 405) {
        response.resume();
        return finish(() => undefined);
      }
      const type = response.headers['content-type'] ?? '';
      if (status < 200 || status >= 300 || !type.includes('text/event-stream')) {
        response.resume();
        return finish(() => {
          failures += 1;
          fail(status < 200 || status >= 300 ? `HTTP ${status}` : `answered ${type || 'no content type'}, not text/event-stream`);
          if (status >= 200 && status < 300) return;
          retry();
        });
      }
      failures = 0;
      read(response);
      response.on('end', () => finish(retry));
      response.on('error', () => finish(retry));
      response.on('close', () => finish(retry));
    });
    req.on('error', (error) => {
      finish(() => {
        if (closed) return;
        failures += 1;
        fail(error.message);
        retry();
      });
    });
    req.end();
    current = req;
  }

  return {
    open() {
      if (opened) return opened;
      opened = new Promise<void>((resolve) => {
        answered = resolve;
      });
      if (closed) answered();
      else connect();
      return opened;
    },
    close() {
      closed = true;
      answered();
      if (timer) clearTimeout(timer);
      timer = undefined;
      current?.destroy();
      current = undefined;
    },
  };
}
