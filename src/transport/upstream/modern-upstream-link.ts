// A connection to a 2026-07-28 (modern) server, shown to the gateway as a legacy server that is
// already initialized (Bridge B in PROTOCOL.md, outbound half, without sessions). `initialize` is
// answered here from the server's `server/discover` result; `notifications/initialized`, `ping`
// and `logging/setLevel` never leave; every other request gets the modern `_meta` envelope
// (version, no client capabilities, toolgate's clientInfo). Answers lose the modern-only keys a
// 2025 client rejects (`resultType`, `ttlMs`, `cacheScope`: the SDK 1.x client parses an empty
// result strictly); the gateway adds them back for its modern clients. An `input_required` answer
// becomes an error: toolgate declares no client capability, so it has nothing to answer it with.
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { isNotification, isRequest, resultResponse, type JsonRpcMessage, type JsonRpcRequest, type JsonRpcResponse } from '../../protocol/jsonrpc.js';
import { META } from '../../protocol/modern-envelope.js';
import { wireError } from '../../protocol/wire-errors.js';
import { bridgedCapabilities } from '../../protocol/modern-results.js';
import { modernEnvelope } from './era-probe.js';
import type { UpstreamLink } from './upstream-link.js';
import { isObject } from '../../lib/is-object.js';

/** Requests the 2026-07-28 revision removed, answered by the link itself. */
const ANSWERED_HERE: ReadonlySet<string> = new Set(['initialize', 'ping', 'logging/setLevel', 'resources/subscribe', 'resources/unsubscribe']);
/** Result keys of the modern era that a 2025 client does not know. */
const MODERN_RESULT_KEYS = ['resultType', 'ttlMs', 'cacheScope'] as const;

export interface ModernLinkOptions {
  /** The server's `server/discover` result. */
  discover: Record<string, unknown>;
  /** Over stdio `notifications/cancelled` is how a request is cancelled; over HTTP it is closing
   *  the request's stream, and a modern server takes no client notifications at all. */
  transport: 'stdio' | 'http';
  serverName: string;
}

export function modernUpstreamLink(inner: UpstreamLink, options: ModernLinkOptions): UpstreamLink {
  let messageHandler: (message: JsonRpcMessage) => void = () => {};
  inner.onMessage((message) => messageHandler(fromServer(message)));
  const answerLater = (response: JsonRpcResponse): Promise<void> => {
    // Asynchronously, as an answer from the server would come.
    setImmediate(() => messageHandler(response));
    return Promise.resolve();
  };
  return {
    get description() {
      return `${inner.description} (2026-07-28)`;
    },
    send: async (message) => {
      if (isRequest(message)) {
        if (ANSWERED_HERE.has(message.method)) return answerLater(answerHere(message, options));
        return inner.send(withEnvelope(message));
      }
      if (isNotification(message)) {
        if (options.transport === 'stdio' && message.method === 'notifications/cancelled') return inner.send(message);
        return;
      }
      // A response to a server-to-client request: a modern server sends none, so nothing to answer.
    },
    onMessage: (handler) => {
      messageHandler = handler;
    },
    onClose: (handler) => inner.onClose(handler),
    onLost: (handler) => inner.onLost(handler),
    // The version is 2026-07-28 on every request, whatever a client negotiated with the gateway.
    setProtocolVersion: () => undefined,
    close: () => inner.close(),
  };
}

/** The initialize result a 2025 client gets for this server, from its discover result. */
export function initializeResultFrom(discover: Record<string, unknown>, requestedVersion: unknown, serverName: string): Record<string, unknown> {
  const version = typeof requestedVersion === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(requestedVersion) ? requestedVersion : LATEST_PROTOCOL_VERSION;
  const meta = isObject(discover['_meta']) ? discover['_meta'] : {};
  const serverInfo = isObject(meta[META.serverInfo]) ? meta[META.serverInfo] : { name: serverName, version: 'unknown' };
  return {
    protocolVersion: version,
    // What a 2025 client could use through toolgate: no listChanged or subscribe (a modern server
    // sends those only on listen streams, not bridged yet), no logging.
    capabilities: bridgedCapabilities(discover['capabilities']),
    serverInfo,
    ...(typeof discover['instructions'] === 'string' ? { instructions: discover['instructions'] } : {}),
  };
}

function answerHere(request: JsonRpcRequest, options: ModernLinkOptions): JsonRpcResponse {
  switch (request.method) {
    case 'initialize':
      return resultResponse(request.id, initializeResultFrom(options.discover, request.params?.['protocolVersion'], options.serverName));
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return wireError(
        'METHOD_NOT_FOUND',
        request.id,
        `${request.method} does not exist in protocol revision 2026-07-28, and toolgate does not bridge subscriptions to such a server yet`,
      );
    default:
      // ping, logging/setLevel: nothing the server needs to hear (a modern server takes the log level per request).
      return resultResponse(request.id, {});
  }
}

function withEnvelope(request: JsonRpcRequest): JsonRpcRequest {
  const params = request.params ?? {};
  const meta = isObject(params['_meta']) ? params['_meta'] : {};
  return { ...request, params: { ...params, _meta: { ...meta, ...modernEnvelope() } } };
}

/** A server message as a 2025 client can read it. */
function fromServer(message: JsonRpcMessage): JsonRpcMessage {
  if (isRequest(message) || isNotification(message) || !('result' in message) || !isObject(message.result)) return message;
  const { result } = message;
  if (result['resultType'] === 'input_required') {
    const asked = isObject(result['inputRequests']) ? Object.keys(result['inputRequests']) : [];
    return wireError(
      'INTERNAL',
      message.id,
      'The server asked for client input (resultType "input_required"), which toolgate does not bridge to a 2026-07-28 server yet',
      { resultType: 'input_required', inputRequests: asked },
    );
  }
  if (!MODERN_RESULT_KEYS.some((key) => key in result)) return message;
  const legacy = { ...result };
  for (const key of MODERN_RESULT_KEYS) delete legacy[key];
  return { ...message, result: legacy };
}

