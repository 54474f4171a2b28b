// One client session: forwards its messages over its upstream channel (its own connection, or the
// server's shared one), routes server messages back to the right reply or stream, and sends every
// `tools/call` through the call pipeline.
import { isObject } from '../lib/is-object.js';
import type { Logger } from '../lib/logger.js';
import { randomId, sequentialId } from '../lib/ids.js';
import {
  isErrorResponse,
  isNotification,
  isRequest,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
} from '../protocol/jsonrpc.js';
import { wireError } from '../protocol/wire-errors.js';
import type { ClientStream, ReplySink } from '../transport/client-channel.js';
import { runToolCall, type PipelineDeps } from './call-pipeline.js';
import type { ForwardResult } from './forward-result.js';
import { HeldMessages } from './held-messages.js';
import { missingCapability, REFUSALS } from './server-asks.js';
import type { ServerRuntime } from './server-runtime.js';
import { UpstreamChannel, type ChannelSeat } from './upstream-channel.js';

export interface ClientSessionOptions {
  runtime: ServerRuntime;
  grantId: string;
  deps: PipelineDeps;
  logger: Logger;
  /** A 2026-07-28 request, which has no session: the policy sees none (counters with
   *  `scope: session` count per grant), and it goes over the server's shared connection. */
  stateless?: boolean;
}

export class ClientSession {
  readonly id: string;
  readonly grantId: string;
  lastActivity = Date.now();
  private readonly seat: ChannelSeat;
  /** This session's own connection; undefined when it sits on the server's shared one. */
  private readonly ownChannel: UpstreamChannel | undefined;
  /** tools/call requests in the pipeline, by client id: cancels a call that was not forwarded yet. */
  private readonly calls = new Map<JsonRpcId, () => void>();
  private stream: ClientStream | undefined;
  /** What the client declared at initialize: which server-to-client requests it can answer. */
  private clientCapabilities: Record<string, unknown> | undefined;
  private readonly held = new HeldMessages({ refuse: (request) => this.refuseServerRequest(request) });
  private ended = false;
  private readonly endListeners: Array<() => void> = [];

  constructor(private readonly options: ClientSessionOptions) {
    // A session id a client holds must not be guessable; a stateless request's is never shown.
    this.id = options.stateless === true ? sequentialId('ses') : randomId('ses', 18);
    this.grantId = options.grantId;
    const { runtime, logger } = options;
    const shared = options.stateless === true || runtime.config.shared;
    this.ownChannel = shared
      ? undefined
      : new UpstreamChannel({
          server: runtime.name,
          connect: () => runtime.connect('legacy'),
          requestTimeoutMs: runtime.config.requestTimeoutMs,
          logger,
          onToolsChanged: () => runtime.catalog?.toolsChanged(),
        });
    const channel = this.ownChannel ?? runtime.sharedUpstream(options.stateless === true ? 'modern' : 'legacy');
    this.seat = channel.join({ deliver: (message) => this.onUnsolicited(message) });
  }

  get closed(): boolean {
    return this.ended;
  }

  onEnd(listener: () => void): void {
    this.endListeners.push(listener);
  }

  /** The stream for server messages that belong to no request (HTTP GET, or stdout). */
  attachStream(stream: ClientStream): void {
    this.stream?.close();
    this.stream = stream;
    stream.onClose(() => {
      if (this.stream === stream) this.stream = undefined;
    });
    this.held.release((message) => stream.send(message));
  }

  handleRequest(request: JsonRpcRequest, reply: ReplySink): void {
    this.lastActivity = Date.now();
    if (request.method === 'initialize') {
      const declared = request.params?.['capabilities'];
      this.clientCapabilities = isObject(declared) ? declared : undefined;
    }
    const answer = (response: JsonRpcResponse): void => reply.end(response);
    if (request.method === 'tools/call') {
      const { runtime, deps, grantId } = this.options;
      // A call not yet forwarded (held for approval) is cancelled here, not upstream.
      const cancelListeners: Array<() => void> = [];
      this.calls.set(request.id, () => cancelListeners.splice(0).forEach((listener) => listener()));
      const onCancel = (listener: () => void): void => void cancelListeners.push(listener);
      const call = runToolCall(deps, { server: runtime.name, grantId, ...(this.options.stateless ? {} : { sessionId: this.id }), policy: runtime.catalog?.decider ?? runtime.policy, forward: (req) => this.forward(req, reply), reply, onCancel }, request)
        .then(answer, (error: unknown) => answer(this.internalError(request.id, error)))
        .finally(() => this.calls.delete(request.id));
      if (deps.inflight) {
        deps.inflight.add(call);
        void call.finally(() => deps.inflight?.delete(call));
      }
      return;
    }
    this.forward(request, reply)
      .then((result) => answer(this.toResponse(request, result)), (error: unknown) => answer(this.internalError(request.id, error)));
  }

  /** A client notification or a response to a server-to-client request. */
  handleMessage(message: JsonRpcMessage): void {
    this.lastActivity = Date.now();
    if (isNotification(message) && message.method === 'notifications/cancelled') {
      const clientId = message.params?.['requestId'] as JsonRpcId | undefined;
      if (clientId === undefined) return;
      // The client's own reason goes to the server only: the audit trail gets the gateway's words.
      const reason = message.params?.['reason'];
      if (!this.seat.cancel(clientId, 'cancelled by the client', typeof reason === 'string' ? reason : undefined)) this.calls.get(clientId)?.();
      return;
    }
    this.seat.send(message);
  }

  /** Sends a server-side notification (e.g. tools/list_changed after a policy reload). */
  notify(message: JsonRpcNotification): void {
    this.sendUnsolicited(message);
  }

  async close(reason = 'session ended'): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.seat.leave(reason);
    this.held.clear();
    this.stream?.close();
    await this.ownChannel?.close();
    for (const listener of this.endListeners) listener();
  }

  private forward(request: JsonRpcRequest, reply?: ReplySink): Promise<ForwardResult> {
    return this.seat.forward(request, reply);
  }

  /** Server messages that belong to no request of this session's in flight. */
  private onUnsolicited(message: JsonRpcMessage): void {
    // Sampling, elicitation, roots: like notifications, to the client's stream or an open reply —
    // unless the client said it cannot answer them: then the server hears so at once.
    if (isRequest(message)) {
      const missing = missingCapability(message, this.clientCapabilities);
      if (missing !== undefined) {
        this.seat.send(wireError('METHOD_NOT_FOUND', message.id, REFUSALS.undeclared(missing, message.method)));
        return;
      }
      return this.sendUnsolicited(message);
    }
    if (isNotification(message)) return this.sendUnsolicited(message);
  }

  private refuseServerRequest(request: JsonRpcRequest): void {
    this.seat.send(wireError('INTERNAL', request.id, REFUSALS.noStream()));
  }

  /** To the client's stream, else along an open reply, else held until a stream opens. */
  private sendUnsolicited(message: JsonRpcMessage): void {
    if (this.stream && !this.stream.closed) return this.stream.send(message);
    for (const reply of this.seat.openReplies()) {
      if (!reply.closed) return reply.send(message);
    }
    this.held.hold(message);
  }

  private toResponse(request: JsonRpcRequest, result: ForwardResult): JsonRpcResponse {
    switch (result.kind) {
      case 'answered':
        return this.afterAnswer(request, result.response);
      case 'not_delivered':
        return wireError('UPSTREAM_UNAVAILABLE', request.id, `Upstream unavailable: ${result.reason}`);
      case 'failed':
        return wireError('UPSTREAM_CLOSED', request.id, `Upstream connection failed: ${result.reason}`);
      case 'timeout':
        return wireError('UPSTREAM_TIMEOUT', request.id, `Upstream timed out: no answer within ${result.afterMs} ms`);
    }
  }

  /** Results the gateway edits on their way back: initialize (version) and tools/list (hidden tools). */
  private afterAnswer(request: JsonRpcRequest, response: JsonRpcResponse): JsonRpcResponse {
    if (isErrorResponse(response)) return response;
    if (request.method === 'tools/list' && Array.isArray(response.result['tools'])) {
      const { catalog } = this.options.runtime;
      // Recorded before filtering: a tool whose definition just changed is held in this very answer.
      catalog?.observeListing(request.params, response.result);
      const policy = catalog?.decider ?? this.options.runtime.policy;
      const tools = (response.result['tools'] as Array<{ name?: unknown }>).filter((tool) => typeof tool.name === 'string' && !policy.isHidden(tool.name));
      return { ...response, result: { ...response.result, tools } };
    }
    return response;
  }

  private internalError(id: JsonRpcId, error: unknown): JsonRpcResponse {
    this.options.logger.error({ err: error, session: this.id }, 'request handling failed');
    return wireError('INTERNAL', id, 'Internal error in the gateway');
  }
}
