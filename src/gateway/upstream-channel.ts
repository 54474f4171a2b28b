// One upstream connection and the requests in flight on it. Each client session has its own
// channel by default; a server marked `shared: true` (and every 2026-07-28 client, which has no
// session) has one channel for all its sessions. Every request goes up under an id the channel
// mints — unique on the connection, so two sessions' `1`, or one's `1` and another's `"1"`, never
// meet — and its answer goes back to the seat that sent it. Progress tokens are rewritten the same
// way. A connection that drops fails what was in flight at once and is reopened with backoff,
// re-initialized with the same parameters before anything else is sent.
import type { Logger } from '../lib/logger.js';
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
import type { ReplySink } from '../transport/client-channel.js';
import { provesNotSent } from '../transport/upstream/send-errors.js';
import { UpstreamSessionEndedError, type UpstreamLink } from '../transport/upstream/upstream-link.js';
import { restartDelayMs, STABLE_AFTER_MS } from './restart-backoff.js';
import type { ForwardResult } from './forward-result.js';
import { SharedRouting } from './shared-routing.js';

/** What a channel tells the session that sits on it. */
export interface SeatOwner {
  /** A server message that belongs to no request of this seat: a notification or (own channel
   *  only) a server-to-client request. */
  deliver(message: JsonRpcMessage): void;
}

export interface UpstreamChannelOptions {
  server: string;
  connect(): Promise<UpstreamLink>;
  requestTimeoutMs: number;
  logger: Logger;
  /** The server said its tools changed (once per notification, however many seats hear it). */
  onToolsChanged?(): void;
  /** Shared: many seats, the gateway initializes the connection itself with `initializeParams`. */
  shared?: { initializeParams: Record<string, unknown> };
}

export interface ChannelSeat {
  /** Sends a client request upstream under a fresh id and resolves with what became of it. */
  forward(request: JsonRpcRequest, reply?: ReplySink): Promise<ForwardResult>;
  /** A client notification, or a response to a server-to-client request. */
  send(message: JsonRpcMessage): void;
  /** Cancels a forwarded request by the client's id; false when none is in flight. */
  cancel(clientId: JsonRpcId, reason: string, reasonForServer?: string): boolean;
  /** Replies of this seat's requests still waiting for their answer. */
  openReplies(): Iterable<ReplySink>;
  /** Fails this seat's requests in flight and stops routing to it. */
  leave(reason: string): void;
}

interface PendingRequest {
  seat: Seat | undefined;
  clientId: JsonRpcId;
  progressToken?: string | number;
  reply?: ReplySink;
  resolve(result: ForwardResult): void;
  timer: NodeJS.Timeout | undefined;
  /** What the server gets: the channel's id and progress token. */
  message: JsonRpcRequest;
  timeoutMs: number;
  /** The connection it was handed to: from then on it may have run (unless that proves otherwise). */
  handedTo?: UpstreamLink;
  /** The connection that took it (its send resolved): the answer can only come from there. */
  sentOn?: UpstreamLink;
  /** Sent again after the server forgot the session: never a third time. */
  resent: boolean;
}

/** The first answer on a connection includes the server's start-up (a stdio child loading). */
const STARTUP_ALLOWANCE_MS = 30_000;

export class UpstreamChannel {
  private link: UpstreamLink | undefined;
  /** A connection being opened and initialized, not yet used for anything else. */
  private connecting: UpstreamLink | undefined;
  private opening: Promise<UpstreamLink> | undefined;
  private readonly pending = new Map<number, PendingRequest>();
  /** Connections of forgotten sessions, closed once no request is still being written to them. */
  private readonly dropped = new Set<UpstreamLink>();
  private readonly byProgressToken = new Map<string, PendingRequest>();
  private readonly seats = new Set<Seat>();
  private nextId = 1;
  private initializeParams: Record<string, unknown> | undefined;
  private initializeResult: Record<string, unknown> | undefined;
  private connectedAt = 0;
  private failures = 0;
  private restartAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Ends the wait before a restart at once (a close must not wait out the backoff). */
  private endRestartWait: (() => void) | undefined;
  private closed = false;
  readonly routing: SharedRouting | undefined;

  constructor(private readonly options: UpstreamChannelOptions) {
    if (options.shared) {
      this.initializeParams = options.shared.initializeParams;
      this.routing = new SharedRouting(this);
    }
  }

  get isShared(): boolean {
    return this.routing !== undefined;
  }

  join(owner: SeatOwner): ChannelSeat {
    const seat = new Seat(this, owner);
    this.seats.add(seat);
    return seat;
  }

  /** The server's initialize result, connecting (and initializing) first if need be. */
  async serverInfo(): Promise<Record<string, unknown>> {
    await this.ready();
    if (!this.initializeResult) throw new Error(`server "${this.options.server}" has not been initialized`);
    return this.initializeResult;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.restartTimer);
    this.endRestartWait?.();
    this.failAll('the upstream connection was closed');
    const dropped = [...this.dropped];
    this.dropped.clear();
    const link = this.link ?? (await this.opening?.catch(() => undefined));
    this.link = undefined;
    this.opening = undefined;
    await Promise.all([link, ...dropped].map((each) => each?.close().catch(() => undefined)));
  }

  /** @internal Seats' entry points. */
  removeSeat(seat: Seat, reason: string): void {
    this.seats.delete(seat);
    for (const upstreamId of seat.inFlight()) this.pending.get(upstreamId)?.resolve({ kind: 'failed', reason });
    this.routing?.forget(seat);
  }

  /** @internal */
  forSeats(each: (seat: Seat) => void): void {
    for (const seat of this.seats) each(seat);
  }

  /** @internal Sends a request under a fresh id; `seat` undefined: the gateway's own request. */
  request(seat: Seat | undefined, request: JsonRpcRequest, reply?: ReplySink, via?: UpstreamLink): Promise<ForwardResult> {
    if (this.closed) return Promise.resolve({ kind: 'not_delivered', reason: 'the upstream connection was closed' });
    // A client that left (e.g. while its call waited for approval) is not served: nothing is sent.
    if (reply?.closed) return Promise.resolve({ kind: 'not_delivered', reason: 'the client went away before the request was sent' });
    const upstreamId = this.nextId++;
    const timeoutMs = request.method === 'initialize' ? Math.max(this.options.requestTimeoutMs, STARTUP_ALLOWANCE_MS) : this.options.requestTimeoutMs;
    const meta = request.params?.['_meta'] as Record<string, unknown> | undefined;
    const clientToken = meta?.['progressToken'] as string | number | undefined;
    const upstreamToken = clientToken === undefined ? undefined : `tg-${upstreamId}`;
    return new Promise<ForwardResult>((resolve) => {
      const entry: PendingRequest = {
        seat,
        clientId: request.id,
        ...(reply ? { reply } : {}),
        ...(clientToken !== undefined ? { progressToken: clientToken } : {}),
        resolve: (result) => {
          if (this.pending.get(upstreamId) !== entry) return;
          clearTimeout(entry.timer);
          this.pending.delete(upstreamId);
          if (upstreamToken !== undefined) this.byProgressToken.delete(upstreamToken);
          seat?.forgetRequest(request.id, upstreamId);
          // A session's own initialize: replayed on every restarted connection from now on.
          if (result.kind === 'answered' && request.method === 'initialize' && seat && !this.isShared) this.initialized(result.response, this.link, request.params);
          resolve(result);
        },
        timer: undefined,
        message: rewriteRequest(request, upstreamId, upstreamToken, meta),
        timeoutMs,
        resent: false,
      };
      this.pending.set(upstreamId, entry);
      if (upstreamToken !== undefined) this.byProgressToken.set(upstreamToken, entry);
      seat?.rememberRequest(request.id, upstreamId);
      // No resumable streams here, so a client that goes away mid-request has cancelled it.
      if (request.method !== 'initialize') reply?.onAbort(() => this.cancel(upstreamId, 'the client went away before the answer'));
      // The gateway's own initialize goes on the connection being opened; everything else waits for it.
      const link = via ?? this.link;
      if (link) this.send(entry, link);
      else this.sendWhenReady(entry);
    });
  }

  /** Hands a request to a connection; the server's time to answer counts from here. */
  private send(entry: PendingRequest, link: UpstreamLink): void {
    const upstreamId = entry.message.id as number;
    // Cancelled or timed out while the connection was still opening: never send it.
    if (this.pending.get(upstreamId) !== entry) return;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      this.sendCancel(upstreamId, 'request timed out at the gateway');
      entry.resolve({ kind: 'timeout', afterMs: entry.timeoutMs });
    }, entry.timeoutMs);
    entry.handedTo = link;
    link.send(entry.message).then(
      () => {
        entry.sentOn = link;
        this.closeIfDropped(link);
      },
      (error: unknown) => {
        const reason = (error as Error).message;
        // The server forgot the session (it restarted): nothing ran. Sent again, once, on a new
        // session — opened and initialized as this one was, its event stream held first.
        if (error instanceof UpstreamSessionEndedError && !entry.resent && entry.message.method !== 'initialize') {
          entry.resent = true;
          entry.handedTo = undefined;
          this.sessionEnded(link, reason);
          // A sibling refused after the session was dropped: it may be the last one being sent there.
          this.closeIfDropped(link);
          if (this.pending.get(upstreamId) === entry) this.sendWhenReady(entry);
          return;
        }
        // A 5xx, a broken connection, a bad answer: the server may have run it.
        entry.resolve(provesNotSent(error) ? { kind: 'not_delivered', reason } : { kind: 'failed', reason });
        this.closeIfDropped(link);
      },
    );
  }

  /** Until it is sent, a request waits for the connection (a restart, a child starting). */
  private sendWhenReady(entry: PendingRequest): void {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => entry.resolve({ kind: 'not_delivered', reason: `the server was not ready within ${STARTUP_ALLOWANCE_MS} ms` }), STARTUP_ALLOWANCE_MS);
    this.ready().then(
      (link) => this.send(entry, link),
      (error: unknown) => entry.resolve({ kind: 'not_delivered', reason: (error as Error).message }),
    );
  }

  /** A connection dropped for a forgotten session is closed once no request still waits for its
   *  send there: closing aborts what is in flight, and a send still reading its own 404 must see it.
   *  (Nothing to look at unless a session was forgotten: no cost on the usual path.) */
  private closeIfDropped(link: UpstreamLink): void {
    if (!this.dropped.has(link)) return;
    for (const entry of this.pending.values()) if (entry.handedTo === link && entry.sentOn === undefined) return;
    this.dropped.delete(link);
    void link.close().catch(() => undefined);
  }

  /** @internal Tells the server to stop, and fails the request here now: SDK servers never answer
   *  a cancelled request, and it may have run (unless it was never handed to a connection), so
   *  its caller must not wait for the timeout. */
  cancel(upstreamId: number, reason: string, reasonForServer = reason): void {
    const entry = this.pending.get(upstreamId);
    if (!entry) return;
    if (!entry.handedTo) return entry.resolve({ kind: 'not_delivered', reason });
    this.sendCancel(upstreamId, reasonForServer);
    entry.resolve({ kind: 'failed', reason });
  }

  /** @internal A message from a seat (notification or response), as is. */
  sendRaw(message: JsonRpcMessage): void {
    const failed = (error: unknown): void => this.options.logger.warn({ err: error, server: this.options.server }, 'could not forward a client message');
    const deliver = (link: UpstreamLink): Promise<void> =>
      link.send(message).catch((error: unknown) => {
        // Nobody is left upstream to hear it (an answer to the old session's question, say).
        if (error instanceof UpstreamSessionEndedError) this.sessionEnded(link, error.message);
        failed(error);
      });
    // On an open connection, handed over at once: a request the client sent after this message
    // (`initialized`, then a call, in one stdio read) must not overtake it.
    if (this.link) return void deliver(this.link);
    this.ready().then(deliver, failed);
  }

  /** The connection, opened (after any restart delay) and initialized when it is not. */
  private ready(): Promise<UpstreamLink> {
    if (this.link) return Promise.resolve(this.link);
    if (this.closed) return Promise.reject(new Error('the upstream connection was closed'));
    if (!this.opening) {
      const opening = this.open();
      this.opening = opening;
      opening.then(
        (link) => {
          if (this.opening === opening) this.opening = undefined;
          this.link = link;
        },
        (error: unknown) => {
          if (this.opening === opening) this.opening = undefined;
          this.noteFailure(`could not connect: ${(error as Error).message}`);
        },
      );
    }
    return this.opening;
  }

  private async open(): Promise<UpstreamLink> {
    const wait = this.restartAt - Date.now();
    if (wait > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.endRestartWait = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.endRestartWait = undefined;
    }
    if (this.closed) throw new Error('the upstream connection was closed');
    const link = await this.options.connect();
    if (this.closed) {
      await link.close();
      throw new Error('the upstream connection was closed');
    }
    link.onMessage((message) => this.onUpstreamMessage(message));
    // The answer can no longer come, and the server may have run the request: fail it now.
    link.onLost((upstreamId, reason) => {
      if (typeof upstreamId === 'number') this.pending.get(upstreamId)?.resolve({ kind: 'failed', reason });
    });
    link.onClose((reason) => this.onLinkClosed(link, reason));
    this.connectedAt = Date.now();
    this.connecting = link;
    try {
      if (this.initializeParams) await this.handshake(link);
    } finally {
      this.connecting = undefined;
    }
    return link;
  }

  /** Initializes a fresh connection: the shared channel's own parameters, or a restarted session's. */
  private async handshake(link: UpstreamLink): Promise<void> {
    const result = await this.request(undefined, { jsonrpc: '2.0', id: 0, method: 'initialize', params: this.initializeParams! }, undefined, link);
    if (result.kind !== 'answered' || isErrorResponse(result.response)) {
      await link.close();
      const why = result.kind === 'answered' && isErrorResponse(result.response) ? result.response.error.message : result.kind;
      throw new Error(`the server refused initialize: ${why}`);
    }
    this.initialized(result.response, link);
    await link.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

  private initialized(response: JsonRpcResponse, link: UpstreamLink | undefined, params?: Record<string, unknown>): void {
    if (isErrorResponse(response)) return;
    if (params) this.initializeParams = params;
    // Kept where sessions are answered from it (a shared connection); a session's own connection
    // has no use for it, and a thousand copies of a server's instructions add up.
    if (this.isShared) this.initializeResult = response.result;
    const version = response.result['protocolVersion'];
    if (typeof version === 'string') link?.setProtocolVersion(version);
  }

  /** The server no longer knows the session `link` carried: a new one is opened (after the
   *  restart delay, 100 ms the first time); answers still due on the old one cannot come. */
  private sessionEnded(link: UpstreamLink, reason: string): void {
    if (this.link !== link) return;
    this.link = undefined;
    for (const entry of [...this.pending.values()]) if (entry.sentOn === link) entry.resolve({ kind: 'failed', reason: `the server ended the session: ${reason}` });
    // Closed by the gateway (onLinkClosed then leaves the pending requests alone), once the sends
    // in progress on it have their answers: each may be a 404 to send again too.
    this.dropped.add(link);
    this.closeIfDropped(link);
    this.noteFailure(reason);
  }

  private onLinkClosed(link: UpstreamLink, reason: string): void {
    // Closed while being initialized: the handshake fails, and opening it counts the failure.
    if (this.connecting === link) return this.failAll(`upstream closed: ${reason}`);
    if (this.link !== link) return;
    this.link = undefined;
    this.failAll(`upstream closed: ${reason}`);
    if (this.closed) return;
    this.noteFailure(reason);
  }

  /** Schedules the next connection after a crash or a failed start: at once after a long healthy
   *  run, then with a delay that doubles with each failure in a row. Restarted eagerly when the
   *  connection had been initialized (its sessions expect it back); else on the next request. */
  private noteFailure(reason: string): void {
    if (this.closed) return;
    this.failures = this.connectedAt && Date.now() - this.connectedAt > STABLE_AFTER_MS ? 1 : this.failures + 1;
    this.connectedAt = 0;
    const delay = restartDelayMs(this.failures);
    this.restartAt = Date.now() + delay;
    const eager = this.initializeParams !== undefined && this.seats.size > 0;
    this.options.logger.warn({ server: this.options.server, reason, failures: this.failures, restartInMs: delay }, 'upstream connection lost; it will be reopened');
    clearTimeout(this.restartTimer);
    if (!eager) return;
    this.restartTimer = setTimeout(() => void this.ready().catch(() => undefined), delay);
    this.restartTimer.unref();
  }

  private onUpstreamMessage(message: JsonRpcMessage): void {
    if (!isRequest(message) && !isNotification(message)) {
      const entry = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
      if (entry) entry.resolve({ kind: 'answered', response: { ...message, id: entry.clientId } as JsonRpcResponse });
      return;
    }
    if (isNotification(message) && message.method === 'notifications/tools/list_changed') this.options.onToolsChanged?.();
    if (isNotification(message) && message.method === 'notifications/progress') {
      const token = message.params?.['progressToken'];
      const entry = typeof token === 'string' ? this.byProgressToken.get(token) : undefined;
      if (entry) return this.deliverProgress(entry, message);
    }
    if (this.routing) return this.routing.fromServer(message);
    for (const seat of this.seats) seat.owner.deliver(message);
  }

  /** Progress goes along its request's reply, else to its seat's stream, with the client's token. */
  private deliverProgress(entry: PendingRequest, message: JsonRpcNotification): void {
    const restored: JsonRpcNotification = { ...message, params: { ...message.params, progressToken: entry.progressToken! } };
    if (entry.reply && !entry.reply.closed) return entry.reply.send(restored);
    entry.seat?.owner.deliver(restored);
  }

  private sendCancel(upstreamId: number, reason: string): void {
    // A cancel for a request on a connection still opening goes nowhere: that request was never sent.
    this.link?.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: upstreamId, reason } }).catch(() => undefined);
  }

  /** Ends every request in flight: one never handed to a connection provably did not run. */
  private failAll(reason: string): void {
    for (const entry of [...this.pending.values()]) entry.resolve(entry.handedTo ? { kind: 'failed', reason } : { kind: 'not_delivered', reason });
  }
}

/** One session's place on a channel: its client ids and requests in flight. */
export class Seat implements ChannelSeat {
  private readonly byClientId = new Map<JsonRpcId, number>();
  /** Upstream ids of this seat's requests in flight (a client may reuse an id; these never repeat). */
  private readonly upstreamIds = new Set<number>();
  private readonly replies = new Set<ReplySink>();
  private left = false;

  constructor(
    private readonly channel: UpstreamChannel,
    readonly owner: SeatOwner,
  ) {}

  forward(request: JsonRpcRequest, reply?: ReplySink): Promise<ForwardResult> {
    if (this.left) return Promise.resolve({ kind: 'not_delivered', reason: 'the session has ended' });
    const local = this.channel.routing?.answerLocally(this, request);
    if (local) return local;
    const result = this.channel.request(this, request, reply);
    return reply ? this.track(result, reply) : result;
  }

  send(message: JsonRpcMessage): void {
    if (this.left) return;
    // Client notifications and responses never reach a shared connection: the gateway sent
    // `initialized` itself, cancellations are mapped by the seat, and no server-to-client request
    // was delivered to be answered.
    if (this.channel.routing) return;
    this.channel.sendRaw(message);
  }

  cancel(clientId: JsonRpcId, reason: string, reasonForServer = reason): boolean {
    const upstreamId = this.byClientId.get(clientId);
    if (upstreamId === undefined) return false;
    this.channel.cancel(upstreamId, reason, reasonForServer);
    return true;
  }

  openReplies(): Iterable<ReplySink> {
    return this.replies.values();
  }

  leave(reason: string): void {
    if (this.left) return;
    this.left = true;
    this.channel.removeSeat(this, reason);
  }

  /** @internal */
  rememberRequest(clientId: JsonRpcId, upstreamId: number): void {
    this.byClientId.set(clientId, upstreamId);
    this.upstreamIds.add(upstreamId);
  }

  /** @internal */
  forgetRequest(clientId: JsonRpcId, upstreamId: number): void {
    if (this.byClientId.get(clientId) === upstreamId) this.byClientId.delete(clientId);
    this.upstreamIds.delete(upstreamId);
  }

  /** @internal A copy: failing them forgets them. */
  inFlight(): number[] {
    return [...this.upstreamIds];
  }

  private track(result: Promise<ForwardResult>, reply: ReplySink): Promise<ForwardResult> {
    this.replies.add(reply);
    return result.finally(() => this.replies.delete(reply));
  }
}

/** The request as the server gets it: the channel's id and progress token, nothing else changed. */
function rewriteRequest(request: JsonRpcRequest, id: number, progressToken: string | undefined, meta: Record<string, unknown> | undefined): JsonRpcRequest {
  if (progressToken === undefined) return { ...request, id };
  return { ...request, id, params: { ...request.params, _meta: { ...meta, progressToken } } };
}
