// Opens the upstream connection a server's config describes: a stdio child with a scrubbed
// environment, or an HTTP URL (Streamable HTTP, falling back to legacy HTTP+SSE in `auto` mode).
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { UpstreamSpec } from '../../config/gateway-config.js';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import type { Logger } from '../../lib/logger.js';
import { DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES } from './message-bound.js';
import { StdioUpstreamTransport } from './stdio-upstream-transport.js';
import { linkFromTransport, UpstreamSessionEndedError, type UpstreamLink } from './upstream-link.js';
import { modernFetch } from './modern-fetch.js';
import { boundedFetch, watchedFetch, type LostHandler } from './watched-fetch.js';
import { sendAfterEventStream } from './event-stream-gate.js';
import { sessionHeaders, withOwnEventStream } from './own-event-stream-fetch.js';
import { createUpstreamEventStream } from './upstream-event-stream.js';

export interface ConnectOptions {
  serverName: string;
  logger: Logger;
}

export async function connectUpstream(spec: UpstreamSpec, options: ConnectOptions): Promise<UpstreamLink> {
  if (spec.kind === 'stdio') return connectStdio(spec, options);
  const max = spec.maxMessageBytes ?? DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES;
  if (spec.transport === 'sse') return connectSse(spec.url, spec.headers, max);
  if (spec.transport === 'streamable-http') return connectStreamable(spec.url, spec.headers, max);
  return connectAutoHttp(spec.url, spec.headers, max);
}

export async function connectStdio(spec: Extract<UpstreamSpec, { kind: 'stdio' }>, options: ConnectOptions): Promise<UpstreamLink> {
  // Only the SDK's safe subset of our environment reaches the child, plus what the config names:
  // the gateway's own secrets (tokens, cloud credentials) are never inherited by accident.
  const transport = new StdioUpstreamTransport({
    command: spec.command,
    args: spec.args,
    env: { ...getDefaultEnvironment(), ...spec.env },
    ...(spec.cwd ? { cwd: spec.cwd } : {}),
    maxMessageBytes: spec.maxMessageBytes ?? DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES,
    onStderrLine: (line) => options.logger.debug({ server: options.serverName, stderr: line }, 'upstream stderr'),
  });
  await transport.start();
  return linkFromTransport(transport, `stdio server "${options.serverName}" (${spec.command})`);
}

async function connectStreamable(url: string, headers: Readonly<Record<string, string>>, maxMessageBytes: number): Promise<UpstreamLink> {
  let onLost: LostHandler = () => {};
  // The SDK keeps the POSTs; its GET event stream is answered 405 here ("none offered") and opened
  // by our own node:http reader instead, at the moment the SDK would have opened it (decision 018),
  // and the session's next messages wait for the server to hold it (decision 021).
  const events = createUpstreamEventStream({
    url: new URL(url),
    headers: () => sessionHeaders(transport, headers),
    maxMessageBytes,
    onMessage: (message) => transport.onmessage?.(message),
    onError: (error) => transport.onerror?.(error),
  });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { ...headers } },
    fetch: withOwnEventStream(watchedFetch((id, reason) => onLost(id, reason), fetch, maxMessageBytes)),
  });
  await transport.start();
  const link = linkFromTransport(transport, `Streamable HTTP server ${url}`, {
    // Ending a client session ends its upstream session too (DELETE), or the server would keep it,
    // with whatever it holds (subscriptions, timers), until its own idle timeout, if it has one.
    beforeClose: () => {
      events.close();
      return transport.terminateSession();
    },
    lostRequests: (handler) => {
      onLost = handler;
    },
  });
  link.onClose(() => events.close());
  const send = async (message: JsonRpcMessage): Promise<void> => {
    const session = transport.sessionId;
    try {
      await link.send(message);
    } catch (error) {
      // The spec's signal that a session is gone: 404 to a request that carried its id.
      if (session !== undefined && error instanceof StreamableHTTPError && error.code === 404) {
        throw new UpstreamSessionEndedError(`the server no longer knows session ${session} (HTTP 404)`);
      }
      throw error;
    }
  };
  return { ...link, send: sendAfterEventStream(send, () => events.open()) };
}

/** Streamable HTTP to a 2026-07-28 server: every POST carries the mirrored headers, no session. */
export async function connectModernHttp(url: string, headers: Readonly<Record<string, string>>, maxMessageBytes: number): Promise<UpstreamLink> {
  let onLost: LostHandler = () => {};
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { ...headers } },
    fetch: watchedFetch((id, reason) => onLost(id, reason), modernFetch(fetch), maxMessageBytes),
  });
  await transport.start();
  return linkFromTransport(transport, `Streamable HTTP server ${url}`, {
    lostRequests: (handler) => {
      onLost = handler;
    },
  });
}

async function connectSse(url: string, headers: Readonly<Record<string, string>>, maxMessageBytes: number): Promise<UpstreamLink> {
  let onLost: LostHandler = () => {};
  const eventStreamFetch = boundedFetch(maxMessageBytes);
  const transport = new SSEClientTransport(new URL(url), {
    requestInit: { headers: { ...headers } },
    fetch: watchedFetch((id, reason) => onLost(id, reason), fetch, maxMessageBytes),
    eventSourceInit: { fetch: (input, init) => eventStreamFetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) },
  });
  await transport.start();
  return linkFromTransport(transport, `HTTP+SSE server ${url}`, {
    // Every answer comes on the one event stream, and the server's session lives as long as it does.
    isFatal: (error) => error instanceof SseError,
    lostRequests: (handler) => {
      onLost = handler;
    },
  });
}

/** Streamable HTTP first; when the first POST is refused as a method or path the server does not
 *  know (404/405), the server is a legacy HTTP+SSE one. */
async function connectAutoHttp(url: string, headers: Readonly<Record<string, string>>, maxMessageBytes: number): Promise<UpstreamLink> {
  let active = await connectStreamable(url, headers, maxMessageBytes);
  let decided = false;
  let messageHandler: (message: JsonRpcMessage) => void = () => {};
  let lostHandler: LostHandler = () => {};
  const closeHandlers: Array<(reason: string) => void> = [];
  const wire = (link: UpstreamLink): void => {
    link.onMessage((message) => messageHandler(message));
    link.onLost((id, reason) => {
      if (link === active) lostHandler(id, reason);
    });
    link.onClose((reason) => {
      if (link === active) for (const handler of closeHandlers) handler(reason);
    });
  };
  wire(active);
  return {
    get description() {
      return active.description;
    },
    send: async (message) => {
      if (decided) return active.send(message);
      try {
        await active.send(message);
        decided = true;
      } catch (error) {
        const status = error instanceof StreamableHTTPError ? error.code : undefined;
        if (status !== 404 && status !== 405 && status !== 400) throw error;
        const previous = active;
        active = await connectSse(url, headers, maxMessageBytes);
        wire(active);
        decided = true;
        await previous.close();
        await active.send(message);
      }
    },
    onMessage: (handler) => {
      messageHandler = handler;
    },
    onClose: (handler) => {
      closeHandlers.push(handler);
    },
    onLost: (handler) => {
      lostHandler = handler;
    },
    setProtocolVersion: (version) => active.setProtocolVersion(version),
    close: () => active.close(),
  };
}
