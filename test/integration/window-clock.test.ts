// Window timing through the real gateway with an injected clock (no sleeps): calendar windows reset
// exactly at the UTC boundary, and a sliding window frees budget only as old calls age out. Run on
// the memory and the SQLite counter store.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createManualClock } from '../../src/lib/clock.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { assertAllowed, assertRateLimited, call, countingServer, createCallLog, type CallLog } from '../helpers/tool-calls.js';

const POLICY = {
  version: '1',
  default: 'deny',
  tools: {
    count: { limits: [{ counter: 'per_minute', window: 'minute', max: 2 }] },
    echo: { limits: [{ counter: 'per_hour', window: 'hour', max: 1 }] },
    read_data: { limits: [{ counter: 'per_day', window: 'day', max: 1 }] },
    write_data: { limits: [{ counter: 'sliding_minute', window: 60, max: 2 }] },
  },
};

const at = (iso: string): number => Date.parse(iso);

for (const store of ['memory', 'sqlite'] as const) {
  describe(`windows on the ${store} store`, () => {
    const clock = createManualClock(at('2026-05-01T10:14:20.000Z'));
    let dir: TempDir;
    let log: CallLog;
    let gateway: TestGateway;
    let client: Client;

    before(async () => {
      dir = makeTempDir(`window-clock-${store}`);
      log = createCallLog(dir.path);
      gateway = await startTestGateway({ servers: { timed: countingServer(POLICY, log) }, store, clock });
      client = await gateway.connect('timed', gateway.token(['timed']));
    });

    after(async () => {
      await gateway.stop();
      dir.cleanup();
    });

    /** Calls `tool` at the instant `iso` and expects it allowed, or rate-limited with `retryAfterMs`. */
    async function callAt(iso: string, tool: string, expected: 'allowed' | number): Promise<void> {
      clock.set(at(iso));
      const before = log.count(tool);
      const result = await call(client, tool);
      if (expected === 'allowed') {
        assertAllowed(result);
        assert.equal(log.count(tool), before + 1, `${tool} at ${iso} reaches the server`);
      } else {
        assert.equal(assertRateLimited(result, `tools.${tool}.limits[0]`), expected, `retryAfterMs of ${tool} at ${iso}`);
        assert.equal(log.count(tool), before, `${tool} at ${iso} must not reach the server`);
      }
    }

    test('a calendar minute starts again exactly at :00', async () => {
      await callAt('2026-05-01T10:14:20.000Z', 'count', 'allowed');
      await callAt('2026-05-01T10:14:21.000Z', 'count', 'allowed');
      await callAt('2026-05-01T10:14:21.000Z', 'count', 39_000);
      await callAt('2026-05-01T10:14:59.999Z', 'count', 1);
      await callAt('2026-05-01T10:15:00.000Z', 'count', 'allowed');
      await callAt('2026-05-01T10:15:00.000Z', 'count', 'allowed');
      await callAt('2026-05-01T10:15:00.001Z', 'count', 59_999);
    });

    test('a calendar hour starts again exactly at the full hour', async () => {
      await callAt('2026-05-01T10:20:00.000Z', 'echo', 'allowed');
      await callAt('2026-05-01T10:20:00.000Z', 'echo', 40 * 60_000);
      await callAt('2026-05-01T10:59:59.999Z', 'echo', 1);
      await callAt('2026-05-01T11:00:00.000Z', 'echo', 'allowed');
      await callAt('2026-05-01T11:30:00.000Z', 'echo', 30 * 60_000);
    });

    test('a calendar day starts again exactly at 00:00 UTC', async () => {
      await callAt('2026-05-01T11:30:00.000Z', 'read_data', 'allowed');
      await callAt('2026-05-01T23:59:59.999Z', 'read_data', 1);
      await callAt('2026-05-02T00:00:00.000Z', 'read_data', 'allowed');
      await callAt('2026-05-02T00:00:00.000Z', 'read_data', 86_400_000);
    });

    test('a sliding 60 s frees budget only as the oldest call ages out', async () => {
      await callAt('2026-05-02T00:10:30.000Z', 'write_data', 'allowed');
      await callAt('2026-05-02T00:10:50.000Z', 'write_data', 'allowed');
      // Not a calendar minute: crossing 00:11:00 frees nothing.
      await callAt('2026-05-02T00:11:00.000Z', 'write_data', 30_000);
      await callAt('2026-05-02T00:11:29.999Z', 'write_data', 1);
      // The 00:10:30 call has left the window; the 00:10:50 one still holds its slot.
      await callAt('2026-05-02T00:11:30.000Z', 'write_data', 'allowed');
      await callAt('2026-05-02T00:11:30.000Z', 'write_data', 20_000);
      await callAt('2026-05-02T00:11:50.000Z', 'write_data', 'allowed');
      await callAt('2026-05-02T00:12:29.999Z', 'write_data', 1);
    });
  });
}
