// The upstream channel, over fake upstream connections: the restart wait (a server that keeps
// failing to start is retried later and later; closing does not wait out the delay), a session
// the server forgot (opened again, the request resent once), the order of client messages, and
// what a request that never left the gateway is called when it ends (not delivered).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../lib/logger.js';
import type { JsonRpcMessage } from '../protocol/jsonrpc.js';
import { UpstreamSessionEndedError, type UpstreamLink } from '../transport/upstream/upstream-link.js';
import { UpstreamChannel } from './upstream-channel.js';

test('close does not wait out the restart delay of a server that keeps failing to start', async () => {
  let starts = 0;
  const channel = new UpstreamChannel({
    server: 'broken',
    // A server that cannot be started (the command is missing, the URL refuses).
    connect: () => {
      starts += 1;
      return Promise.reject(new Error('cannot start'));
    },
    requestTimeoutMs: 5_000,
    logger: silentLogger,
  });
  const seat = channel.join({ deliver: () => undefined });
  const ping = (id: number) => seat.forward({ jsonrpc: '2.0', id, method: 'ping' });
  // Failures in a row: 100, 200, 400, 800 ms before the next starts; the fifth waits 1.6 s.
  for (let id = 1; id <= 5; id++) assert.equal((await ping(id)).kind, 'not_delivered');
  assert.equal(starts, 5);
  const waiting = ping(6);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();
  await channel.close();
  const tookMs = Date.now() - started;
  assert.ok(tookMs < 500, `close took ${tookMs} ms`);
  // Ended with the channel; it never reached a server, so it is "not delivered" (its counters go back).
  assert.equal((await waiting).kind, 'not_delivered');
  assert.equal(starts, 5, 'nothing was started after the close');
});

/** A fake upstream connection: records what it is sent, answers with `answer` (or throws what it returns). */
function fakeLink(answer: (message: JsonRpcMessage) => Record<string, unknown> | Error | undefined): UpstreamLink & { sent: JsonRpcMessage[]; closed: boolean; crash(reason: string): void } {
  let onMessage: (message: JsonRpcMessage) => void = () => undefined;
  const closeHandlers: Array<(reason: string) => void> = [];
  const link = {
    sent: [] as JsonRpcMessage[],
    closed: false,
    /** Ends the connection from the server's side (a child that died). */
    crash: (reason: string) => closeHandlers.forEach((handler) => handler(reason)),
    description: 'fake',
    send: async (message: JsonRpcMessage) => {
      link.sent.push(message);
      const outcome = answer(message);
      if (outcome instanceof Error) throw outcome;
      if (outcome && 'id' in message) setImmediate(() => onMessage({ jsonrpc: '2.0', id: message.id, result: outcome } as JsonRpcMessage));
    },
    onMessage: (handler: (message: JsonRpcMessage) => void) => {
      onMessage = handler;
    },
    onLost: () => undefined,
    onClose: (handler: (reason: string) => void) => void closeHandlers.push(handler),
    setProtocolVersion: () => undefined,
    close: async () => {
      link.closed = true;
    },
  };
  return link;
}

const INITIALIZED_AS = { protocolVersion: '2025-11-25', capabilities: {}, serverInfo: { name: 's', version: '1' } };
/** What the link reports for a session the server no longer knows (its 404). */
const forgotten = (): UpstreamSessionEndedError => new UpstreamSessionEndedError('the server no longer knows session s1 (HTTP 404)');

/** A channel whose n-th connection is `links[n]`. */
function channelOver(server: string, links: readonly UpstreamLink[]): UpstreamChannel {
  let opened = 0;
  return new UpstreamChannel({ server, connect: async () => links[opened++]!, requestTimeoutMs: 5_000, logger: silentLogger });
}

const INITIALIZE = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: { sampling: {} }, clientInfo: { name: 'c', version: '1' } } } as const;

test('a request the server refuses for a session it forgot is sent again, once, on a new session initialized as the old one', async () => {
  const forgot = (message: JsonRpcMessage) => ('method' in message && message.method === 'tools/list' ? forgotten() : INITIALIZED_AS);
  const links = [fakeLink(forgot), fakeLink((message) => ('method' in message && message.method === 'tools/list' ? { tools: [] } : INITIALIZED_AS)), fakeLink(forgot)];
  const channel = channelOver('restarted', links);
  const seat = channel.join({ deliver: () => undefined });
  try {
    assert.equal((await seat.forward(INITIALIZE)).kind, 'answered');
    seat.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const listed = await seat.forward({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    assert.equal(listed.kind, 'answered');
    assert.deepEqual(listed.kind === 'answered' && 'result' in listed.response ? listed.response.result : undefined, { tools: [] });
    assert.equal(links[0]!.closed, true);
    // The new session heard the client's own initialize (its capabilities), then initialized, then the request.
    const second = links[1]!.sent.map((message) => ('method' in message ? message.method : 'response'));
    assert.deepEqual(second, ['initialize', 'notifications/initialized', 'tools/list']);
    assert.deepEqual((links[1]!.sent[0] as { params?: unknown }).params, INITIALIZE.params);
  } finally {
    await channel.close();
  }
});

test('a client notification and the request after it reach the server in that order', async () => {
  const link = fakeLink(() => INITIALIZED_AS);
  const channel = new UpstreamChannel({ server: 'ordered', connect: async () => link, requestTimeoutMs: 5_000, logger: silentLogger });
  const seat = channel.join({ deliver: () => undefined });
  try {
    await seat.forward(INITIALIZE);
    // As one stdio read delivers them: no await between the two.
    seat.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const call = seat.forward({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'x', arguments: {} } });
    await call;
    assert.deepEqual(link.sent.map((message) => ('method' in message ? message.method : 'response')), ['initialize', 'notifications/initialized', 'tools/call']);
  } finally {
    await channel.close();
  }
});

test('a request refused twice for a forgotten session is not sent a third time: not delivered', async () => {
  const forgets = () =>
    fakeLink((message) => ('method' in message && message.method === 'tools/list' ? forgotten() : INITIALIZED_AS));
  const links = [forgets(), forgets(), forgets()];
  const channel = channelOver('forgetful', links);
  const seat = channel.join({ deliver: () => undefined });
  try {
    await seat.forward(INITIALIZE);
    const listed = await seat.forward({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    assert.equal(listed.kind, 'not_delivered');
    const lists = links.map((link) => link.sent.filter((message) => 'method' in message && message.method === 'tools/list').length);
    assert.deepEqual(lists, [1, 1, 0]);
  } finally {
    await channel.close();
  }
});

test('two calls refused together for a forgotten session are both sent again: the old connection is closed only after both were refused', async () => {
  const answer = () => INITIALIZED_AS;
  // The forgotten session: its 404s come a moment later; closing it aborts what is still being sent.
  const inFlight = new Set<(error: Error) => void>();
  const old = fakeLink(answer);
  const send = old.send;
  old.send = async (message) => {
    if (!('method' in message) || message.method !== 'tools/call') return send(message);
    old.sent.push(message);
    await new Promise<void>((resolve, reject) => {
      inFlight.add(reject);
      setTimeout(() => reject(forgotten()), 5 + inFlight.size * 5);
    });
  };
  const close = old.close;
  old.close = async () => {
    for (const reject of inFlight) reject(new Error('This operation was aborted'));
    return close();
  };
  const fresh = fakeLink((message) => ('method' in message && message.method === 'tools/call' ? { content: [] } : answer()));
  const links = [old, fresh];
  const channel = channelOver('restarted', links);
  const seat = channel.join({ deliver: () => undefined });
  try {
    await seat.forward(INITIALIZE);
    const calls = await Promise.all([1, 2].map((id) => seat.forward({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'x', arguments: {} } })));
    assert.deepEqual(calls.map((call) => call.kind), ['answered', 'answered']);
    assert.equal(fresh.sent.filter((message) => 'method' in message && message.method === 'tools/call').length, 2);
    assert.equal(old.closed, true);
  } finally {
    await channel.close();
  }
});

test('a resent call whose new connection dies while it is initialized is not delivered (it never ran), not "may have run"', async () => {
  const answer = () => INITIALIZED_AS;
  const old = fakeLink((message) => ('method' in message && message.method === 'tools/call' ? forgotten() : answer()));
  // The new connection ends while its initialize is in flight.
  const dying = fakeLink((message) => {
    if ('method' in message && message.method === 'initialize') setImmediate(() => dying.crash('the server went away'));
    return undefined;
  });
  const links = [old, dying];
  const channel = channelOver('gone', links);
  const seat = channel.join({ deliver: () => undefined });
  try {
    await seat.forward(INITIALIZE);
    const call = await seat.forward({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', arguments: {} } });
    assert.equal(call.kind, 'not_delivered');
  } finally {
    await channel.close();
  }
});

test('a request cancelled while it still waits for its connection is not delivered: it never left', async () => {
  const link = fakeLink(() => ({ content: [] }));
  // A server that takes a while to start.
  const connect = () => new Promise<UpstreamLink>((resolve) => setTimeout(() => resolve(link), 100));
  const channel = new UpstreamChannel({ server: 'slow', connect, requestTimeoutMs: 5_000, logger: silentLogger });
  const seat = channel.join({ deliver: () => undefined });
  const waiting = seat.forward({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'x', arguments: {} } });
  assert.equal(seat.cancel(7, 'cancelled by the client'), true);
  assert.deepEqual(await waiting, { kind: 'not_delivered', reason: 'cancelled by the client' });
  await channel.close();
  assert.deepEqual(link.sent, [], 'nothing reached the server, not even a cancellation');
});
