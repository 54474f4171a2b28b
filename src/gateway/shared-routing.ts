// What changes when many sessions share one upstream connection (`shared: true`, and 2026-07-28
// clients). Requests that set state on the connection are answered by the gateway (`initialize`,
// `logging/setLevel`) or counted per resource (`resources/subscribe`), and a server message that
// belongs to no request goes only where it can belong: `list_changed` to every session,
// `resources/updated` to the sessions that subscribed. Logs, server-to-client requests and client
// notifications cannot be told apart by session, so they are answered or dropped here, never
// shown to a session that did not ask.
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { isRequest, resultResponse, type JsonRpcMessage, type JsonRpcNotification, type JsonRpcRequest } from '../protocol/jsonrpc.js';
import { wireError } from '../protocol/wire-errors.js';
import type { ForwardResult } from './forward-result.js';
import { REFUSALS } from './server-asks.js';
import type { Seat, UpstreamChannel } from './upstream-channel.js';

const LIST_CHANGED = new Set(['notifications/tools/list_changed', 'notifications/prompts/list_changed', 'notifications/resources/list_changed']);

export class SharedRouting {
  private readonly subscribers = new Map<string, Set<Seat>>();

  constructor(private readonly channel: UpstreamChannel) {}

  /** The answer the gateway gives itself, or undefined: forward the request. */
  answerLocally(seat: Seat, request: JsonRpcRequest): Promise<ForwardResult> | undefined {
    switch (request.method) {
      case 'initialize':
        return this.initialize(request);
      case 'logging/setLevel':
        // A level set by one session would change every session's logs: accepted, not forwarded.
        return answered(request, {});
      case 'resources/subscribe':
        return this.subscribe(seat, request);
      case 'resources/unsubscribe':
        return this.unsubscribe(seat, request);
      default:
        return undefined;
    }
  }

  fromServer(message: JsonRpcMessage): void {
    if (isRequest(message)) return this.refuseServerRequest(message);
    const notification = message as JsonRpcNotification;
    if (LIST_CHANGED.has(notification.method)) return this.channel.forSeats((seat) => seat.owner.deliver(notification));
    if (notification.method === 'notifications/resources/updated') {
      const uri = notification.params?.['uri'];
      const seats = typeof uri === 'string' ? this.subscribers.get(uri) : undefined;
      for (const seat of seats ?? []) seat.owner.deliver(notification);
    }
    // Logs, and progress or cancellations tied to no request in flight: no session asked for them.
  }

  /** A seat that left: its subscriptions end, and the server's with the last subscriber. */
  forget(seat: Seat): void {
    if (this.subscribers.size === 0) return;
    for (const [uri, seats] of this.subscribers) {
      if (!seats.delete(seat) || seats.size > 0) continue;
      this.subscribers.delete(uri);
      void this.channel.request(undefined, { jsonrpc: '2.0', id: 0, method: 'resources/unsubscribe', params: { uri } });
    }
  }

  private async initialize(request: JsonRpcRequest): Promise<ForwardResult> {
    let info: Record<string, unknown>;
    try {
      info = await this.channel.serverInfo();
    } catch (error) {
      return { kind: 'not_delivered', reason: (error as Error).message };
    }
    const serverVersion = info['protocolVersion'] as string;
    const requested = request.params?.['protocolVersion'];
    // The client's version when the server's connection speaks it or newer (revisions are dates).
    const version = typeof requested === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(requested) && requested <= serverVersion ? requested : serverVersion;
    const { logging: _logging, ...capabilities } = (info['capabilities'] ?? {}) as Record<string, unknown>;
    return { kind: 'answered', response: resultResponse(request.id, { ...info, protocolVersion: version, capabilities }) };
  }

  private async subscribe(seat: Seat, request: JsonRpcRequest): Promise<ForwardResult> {
    const uri = request.params?.['uri'];
    if (typeof uri !== 'string') return this.channel.request(seat, request);
    const seats = this.subscribers.get(uri);
    if (seats && seats.size > 0) {
      seats.add(seat);
      return { kind: 'answered', response: resultResponse(request.id, {}) };
    }
    const result = await this.channel.request(seat, request);
    if (result.kind === 'answered' && 'result' in result.response) {
      const current = this.subscribers.get(uri) ?? new Set<Seat>();
      current.add(seat);
      this.subscribers.set(uri, current);
    }
    return result;
  }

  private unsubscribe(seat: Seat, request: JsonRpcRequest): Promise<ForwardResult> {
    const uri = request.params?.['uri'];
    const seats = typeof uri === 'string' ? this.subscribers.get(uri) : undefined;
    if (!seats) return this.channel.request(seat, request);
    seats.delete(seat);
    if (seats.size > 0) return answered(request, {});
    this.subscribers.delete(uri as string);
    return this.channel.request(seat, request);
  }

  private refuseServerRequest(request: JsonRpcRequest): void {
    if (request.method === 'ping') return this.channel.sendRaw(resultResponse(request.id, {}));
    this.channel.sendRaw(wireError('METHOD_NOT_FOUND', request.id, REFUSALS.shared(request.method)));
  }
}

function answered(request: JsonRpcRequest, result: Record<string, unknown>): Promise<ForwardResult> {
  return Promise.resolve({ kind: 'answered', response: resultResponse(request.id, result) });
}
