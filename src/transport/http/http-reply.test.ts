// A client that stops reading its SSE stream has it ended once the bound is unread, with the reason
// logged: checked on a real HTTP server and a raw socket that never reads, for both stream kinds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Logger } from '../../lib/logger.js';
import { HttpReply } from './http-reply.js';
import { HttpEventStream } from './http-stream.js';

const BOUND = 256 * 1024;
const note = { jsonrpc: '2.0' as const, method: 'notifications/message', params: { level: 'info', data: 'x'.repeat(16 * 1024) } };

/** Serves one request with `open`, from a client that sends it and then never reads; resolves once
 *  the stream is closed, with how many messages were sent and what was logged. */
async function stuckClient(open: (res: ServerResponse, logger: Logger) => { send(): boolean; closed(): boolean }): Promise<{ sent: number; logged: string[] }> {
  const logged: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
  let done!: (sent: number) => void;
  const finished = new Promise<number>((resolve) => (done = resolve));
  const server = createServer((_req, res) => {
    const stream = open(res, logger);
    let sent = 0;
    // Far more than the bound, one message per turn so the socket gets its chances to drain.
    const timer = setInterval(() => {
      if (stream.closed() || sent >= 4_000) {
        clearInterval(timer);
        return done(sent);
      }
      if (stream.send()) sent += 1;
    }, 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nMcp-Session-Id: ses_stuck\r\n\r\n'));
  socket.pause();
  socket.on('error', () => undefined);
  const sent = await finished;
  socket.destroy();
  server.close();
  return { sent, logged };
}

test('an answer stream whose client does not read is ended past the bound, and the abort is reported', async () => {
  let aborted = false;
  const { sent, logged } = await stuckClient((res, logger) => {
    const reply = new HttpReply(res, undefined, { maxUnreadBytes: BOUND, logger });
    reply.onAbort(() => (aborted = true));
    return { send: () => (reply.send(note), !reply.closed), closed: () => reply.closed };
  });
  assert.ok(sent < 4_000, 'every message was buffered');
  assert.ok(aborted, 'the gateway was not told the client is gone');
  assert.equal(logged.length, 1);
  const line = JSON.parse(logged[0]!) as { msg: string; session: string; maxUnreadBytes: number; unreadBytes: number };
  assert.equal(line.msg, `ended an answer stream: the client left over ${BOUND} bytes unread`);
  assert.equal(line.session, 'ses_stuck');
  assert.ok(line.unreadBytes > BOUND && line.unreadBytes < BOUND + 64 * 1024, `unread ${line.unreadBytes}`);
});

test('the GET stream is ended the same way', async () => {
  let closedSeen = false;
  const { sent, logged } = await stuckClient((res, logger) => {
    const stream = new HttpEventStream(res, { maxUnreadBytes: BOUND, logger });
    stream.onClose(() => (closedSeen = true));
    return { send: () => (stream.send(note), !stream.closed), closed: () => stream.closed };
  });
  assert.ok(sent < 4_000, 'every message was buffered');
  assert.ok(closedSeen);
  assert.match(logged[0] ?? '', /ended the GET event stream: the client left over 262144 bytes unread/);
});
