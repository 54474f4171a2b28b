// failMode open: who may pass uncounted (pure rate limits only) and how loudly it is said.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../lib/logger.js';
import type { LimitRequest } from '../policy/types.js';
import { admitsFailOpen } from './fail-open.js';

const rate: LimitRequest = { key: 'k', counter: 'calls', window: { kind: 'calendar', unit: 'minute' }, max: 5, amount: 1, rule: 'tools.t.limits[0]' };
const spend: LimitRequest = { ...rate, counter: 'budget', amount: 3, incrementFrom: 'args.amount', rule: 'tools.t.limits[1]' };
const call = { server: 's', tool: 't', reason: 'redis is not connected' };

/** A logger whose lines (pino writes synchronously to a plain Writable) land in `lines`. */
function capture(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({}, stream) as unknown as Logger, lines };
}

test('failMode closed (or unset) never admits', () => {
  const { logger, lines } = capture();
  assert.equal(admitsFailOpen('closed', [rate], logger, call), false);
  assert.equal(admitsFailOpen(undefined, [rate], logger, call), false);
  assert.equal(lines.length, 0);
});

test('failMode open admits pure rate limits, never a call with a spend cap', () => {
  const { logger } = capture();
  assert.equal(admitsFailOpen('open', [rate], logger, call), true);
  assert.equal(admitsFailOpen('open', [spend], logger, call), false);
  assert.equal(admitsFailOpen('open', [rate, spend], logger, call), false);
});

test('each admission is warned about, at most one line a second carrying the count', () => {
  const { logger, lines } = capture();
  const t0 = 1_000_000;
  admitsFailOpen('open', [rate], logger, call, t0);
  for (let i = 1; i <= 4; i++) admitsFailOpen('open', [rate], logger, call, t0 + i * 100);
  admitsFailOpen('open', [rate], logger, call, t0 + 1_000);
  assert.equal(lines.length, 2);
  assert.equal(lines[0]!['level'], 40);
  assert.match(String(lines[0]!['msg']), /^FAIL OPEN/);
  assert.deepEqual([lines[0]!['uncountedCalls'], lines[1]!['uncountedCalls']], [1, 5]);
  assert.equal(lines[1]!['reason'], 'redis is not connected');
});
