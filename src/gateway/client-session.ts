// One client session and its own upstream connection: forwards messages both ways, rewrites request
// ids toward the server, routes server messages back to the right reply or stream, and sends every
// `tools/call` through the call pipeline.
import type { Logger } from '../lib/logger.js';
import { randomId } from '../lib/ids.js';
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
import { provesNotSent } from '../transport/upstream/send-errors.js';
import type { UpstreamLink } from '../transport/upstream/upstream-link.js';
import { runToolCall, type PipelineDeps } from './call-pipeline.js';
import type { ForwardResult } from './forward-result.js';
import { HeldMessages } from './held-messages.js';
import type { ServerRuntime } from './server-runtime.js';

interface PendingForward {
  clientId: JsonRpcId;
  reply?: ReplySink;
  progressToken?: string | number;
  resolve(result: ForwardResult): void;
  timer: NodeJS.Timeout;
}

const STARTUP_ALLOWANCE_MS = 30_000;

export interface ClientSessionOptions {
  runtime: ServerRuntime;
  grantId: string;
  deps: PipelineDeps;
  logger: Logger;
  /** Stateless clients have no session id; counters then scope to the grant. */
  sessionId?: string;
}

export class ClientSession {
  readonly id: string;
  readonly grantId: string;
  lastActivity = Date.now();
  private link: Promise<UpstreamLink> | undefined;
  private readonly pending = new Map<number, PendingForward>();
  private readonly byClientId = new Map<JsonRpcId, number>();
  private readonly byProgressToken = new Map<string | number, PendingForward>();
  /** tools/call requests in the pipeline, by client id: cancels a call that was not forwarded yet. */
  private readonly calls = new Map<JsonRpcId, () => void>();
  private stream: ClientStream | undefined;
  private readonly held = new HeldMessages({ refuse: (request) => this.refuseServerRequest(request) });
  private nextUpstreamId = 1;
  private ended = false;
  private readonly endListeners: Array<() => void> = [];

  constructor(private readonly options: ClientSessionOptions) {
    this.id = options.sessionId ?? randomId('ses', 18);
    this.grantId = options.grantId;
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
    const answer = (response: JsonRpcResponse): void => reply.end(response);
    if (request.method === 'tools/call') {
      const { runtime, deps, grantId } = this.options;
      // A call not yet forwarded (held for approval) is cancelled here, not upstream.
      const cancelListeners: Array<() => void> = [];
      this.calls.set(request.id, () => cancelListeners.splice(0).forEach((listener) => listener()));
      const onCancel = (listener: () => void): void => void cancelListeners.push(listener);
      const call = runToolCall(deps, { server: runtime.name, grantId, sessionId: this.id, policy: runtime.catalog?.decider ?? runtime.policy, forward: (req) => this.forward(req, reply), reply, onCancel }, request)
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
      const upstreamId = clientId === undefined ? undefined : this.byClientId.get(clientId);
      if (upstreamId === undefined) return this.calls.get(clientId as JsonRpcId)?.();
      // The client's own reason goes to the server only: the audit trail gets the gateway's words.
      const reason = message.params?.['reason'];
      return this.cancelForward(upstreamId, 'cancelled by the client', typeof reason === 'string' ? reason : undefined);
    }
    this.upstream()
      .then((link) => link.send(message))
      .catch((error: unknown) => this.options.logger.warn({ err: error, session: this.id }, 'could not forward a client message'));
  }

  /** Sends a server-side notification (e.g. tools/list_changed after a policy reload). */
  notify(message: JsonRpcNotification): void {
    this.sendUnsolicited(message);
  }

  async close(reason = 'session ended'): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.failAll(reason);
    this.held.clear();
    this.stream?.close();
    const link = this.link;
    this.link = undefined;
    if (link) await link.then((l) => l.close()).catch(() => undefined);
    for (const listener of this.endListeners) listener();
  }

  private upstream(): Promise<UpstreamLink> {
    if (this.ended) return Promise.reject(new Error('the session has ended'));
    if (!this.link) {
      const { runtime } = this.options;
      this.link = runtime.connect().then((link) => {
        link.onMessage((message) => this.onUpstreamMessage(message));
        // The answer can no longer come, and the server may have run the request: fail it now.
        link.onLost((upstreamId, reason) => {
          if (typeof upstreamId === 'number') this.pending.get(upstreamId)?.resolve({ kind: 'failed', reason });
        });
        link.onClose((reason) => {
          this.options.logger.warn({ server: runtime.name, session: this.id, reason }, 'upstream connection closed');
          void this.close(`upstream closed: ${reason}`);
        });
        return link;
      });
      this.link.catch(() => {
        this.link = undefined;
      });
    }
    return this.link;
  }

  /** Sends a client request upstream under a fresh id and waits for its answer. */
  private forward(request: JsonRpcRequest, reply?: ReplySink): Promise<ForwardResult> {
    // A client that left (e.g. while its call waited for approval) is not served: nothing is sent.
    if (reply?.closed) return Promise.resolve({ kind: 'not_delivered', reason: 'the client went away before the request was sent' });
    const upstreamId = this.nextUpstreamId++;
    // The first answer of a session includes the server's start-up (a stdio child loading): a short
    // per-request timeout meant for tool calls must not keep every session from opening.
    const configured = this.options.runtime.config.requestTimeoutMs;
    const timeoutMs = request.method === 'initialize' ? Math.max(configured, STARTUP_ALLOWANCE_MS) : configured;
    return new Promise<ForwardResult>((resolve) => {
      const progressToken = (request.params?.['_meta'] as Record<string, unknown> | undefined)?.['progressToken'] as string | number | undefined;
      const entry: PendingForward = {
        clientId: request.id,
        ...(reply ? { reply } : {}),
        ...(progressToken !== undefined ? { progressToken } : {}),
        resolve: (result) => {
          clearTimeout(entry.timer);
          this.pending.delete(upstreamId);
          this.byClientId.delete(request.id);
          if (progressToken !== undefined) this.byProgressToken.delete(progressToken);
          resolve(result);
        },
        timer: setTimeout(() => {
          this.sendCancel(upstreamId, 'request timed out at the gateway');
          entry.resolve({ kind: 'timeout', afterMs: timeoutMs });
        }, timeoutMs),
      };
      this.pending.set(upstreamId, entry);
      this.byClientId.set(request.id, upstreamId);
      if (progressToken !== undefined) this.byProgressToken.set(progressToken, entry);
      // No resumable streams here, so a client that goes away mid-request has cancelled it.
      if (request.method !== 'initialize') reply?.onAbort(() => this.cancelForward(upstreamId, 'the client went away before the answer'));
      this.upstream().then(
        (link) => {
          // Cancelled or timed out while the connection was still opening: never send it.
          if (!this.pending.has(upstreamId)) return;
          link.send({ ...request, id: upstreamId }).then(
            () => {
              if (request.method === 'initialize') this.lastActivity = Date.now();
            },
            (error: unknown) => {
              const reason = (error as Error).message;
              // A 5xx, a broken connection, a bad answer: the server may have run it.
              entry.resolve(provesNotSent(error) ? { kind: 'not_delivered', reason } : { kind: 'failed', reason });
            },
          );
        },
        (error: unknown) => entry.resolve({ kind: 'not_delivered', reason: (error as Error).message }),
      );
    });
  }

  private onUpstreamMessage(message: JsonRpcMessage): void {
    // Sampling, elicitation, roots: like notifications, to the client's stream or an open reply.
    if (isRequest(message)) return this.sendUnsolicited(message);
    if (isNotification(message)) return this.routeNotification(message);
    const upstreamId = message.id;
    const entry = typeof upstreamId === 'number' ? this.pending.get(upstreamId) : undefined;
    if (!entry) return;
    entry.resolve({ kind: 'answered', response: { ...message, id: entry.clientId } as JsonRpcResponse });
  }

  private routeNotification(message: JsonRpcNotification): void {
    if (message.method === 'notifications/tools/list_changed') this.options.runtime.catalog?.toolsChanged();
    if (message.method === 'notifications/progress') {
      const token = message.params?.['progressToken'] as string | number | undefined;
      const entry = token === undefined ? undefined : this.byProgressToken.get(token);
      if (entry?.reply && !entry.reply.closed) return entry.reply.send(message);
    }
    this.sendUnsolicited(message);
  }

  private refuseServerRequest(request: JsonRpcRequest): void {
    this.upstream()
      .then((link) => link.send(wireError('INTERNAL', request.id, 'the client has no open stream to receive this request')))
      .catch(() => undefined);
  }

  /** To the client's stream, else along an open reply, else held until a stream opens. */
  private sendUnsolicited(message: JsonRpcMessage): void {
    if (this.stream && !this.stream.closed) return this.stream.send(message);
    for (const entry of this.pending.values()) {
      if (entry.reply && !entry.reply.closed) return entry.reply.send(message);
    }
    this.held.hold(message);
  }

  /** Tells the server to stop, and fails the request here now: SDK servers never answer a
   *  cancelled request, and it may have run, so its caller must not wait for the timeout. */
  private cancelForward(upstreamId: number, reason: string, reasonForServer = reason): void {
    const entry = this.pending.get(upstreamId);
    if (!entry) return;
    this.sendCancel(upstreamId, reasonForServer);
    entry.resolve({ kind: 'failed', reason });
  }

  private sendCancel(upstreamId: number, reason: string): void {
    this.link
      ?.then((link) => link.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: upstreamId, reason } }))
      .catch(() => undefined);
  }

  private failAll(reason: string): void {
    for (const entry of [...this.pending.values()]) entry.resolve({ kind: 'failed', reason });
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
    if (request.method === 'initialize') {
      const version = response.result['protocolVersion'];
      if (typeof version === 'string') void this.link?.then((link) => link.setProtocolVersion(version));
      return response;
    }
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
