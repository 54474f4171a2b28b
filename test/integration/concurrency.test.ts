// 200 simultaneous tools/call from 8 client sessions against a budget of 25: exactly 25 reach the
// server (counted by the server itself) and 175 are told they are rate-limited, on both stores.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createManualClock } from '../../src/lib/clock.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { call, countingServer, createCallLog, metaOf, textOf, type CallLog, type ToolResult } from '../helpers/tool-calls.js';

const SESSIONS = 8;
const CALLS_PER_SESSION = 25;
const MAX = 25;

const POLICY = {
  version: '1',
  default: 'deny',
  tools: {
    count: { limits: [{ counter: 'everyone', window: 'day', max: MAX, scope: 'server' }] },
    echo: { limits: [{ counter: 'per_agent', window: 'day', max: MAX, scope: 'grant' }] },
  },
};

/** Fires every call at once: `CALLS_PER_SESSION` on each client, all in flight together. */
async function burst(clients: readonly Client[], tool: string): Promise<ToolResult[]> {
  const calls = clients.flatMap((client, session) =>
    Array.from({ length: CALLS_PER_SESSION }, (_, i) => call(client, tool, { session, i })),
  );
  return Promise.all(calls);
}

function tally(results: readonly ToolResult[]): { allowed: number; rateLimited: number; other: string[] } {
  let allowed = 0;
  let rateLimited = 0;
  const other: string[] = [];
  for (const result of results) {
    const meta = metaOf(result);
    if (meta === undefined && result.isError !== true) allowed += 1;
    else if (meta?.decision === 'rate_limited' && typeof meta.retryAfterMs === 'number' && result.isError === true) rateLimited += 1;
    else other.push(textOf(result));
  }
  return { allowed, rateLimited, other };
}

for (const store of ['memory', 'sqlite'] as const) {
  describe(`200 simultaneous calls, ${store} store`, () => {
    let dir: TempDir;
    let log: CallLog;
    let gateway: TestGateway;
    let clients: Client[];
    const grants: string[] = [];

    before(async () => {
      dir = makeTempDir(`concurrency-${store}`);
      log = createCallLog(dir.path);
      // Mid-day on a fixed clock: a day window cannot end during the burst.
      const clock = createManualClock(Date.UTC(2026, 6, 1, 12));
      gateway = await startTestGateway({ servers: { busy: countingServer(POLICY, log) }, store, clock });
      const tokens = [gateway.token(['busy'], `${store}-a`), gateway.token(['busy'], `${store}-b`)];
      // Half the sessions belong to each grant.
      clients = await Promise.all(Array.from({ length: SESSIONS }, (_, i) => gateway.connect('busy', tokens[i % 2])));
      for (const grant of gateway.grants!.list()) grants.push(grant.id);
    });

    after(async () => {
      await gateway.stop();
      dir.cleanup();
    });

    test(`scope server: exactly ${MAX} of 200 reach the server, the rest are rate-limited`, async () => {
      const results = await burst(clients, 'count');
      const { allowed, rateLimited, other } = tally(results);
      assert.deepEqual(other, []);
      assert.equal(allowed, MAX);
      assert.equal(rateLimited, SESSIONS * CALLS_PER_SESSION - MAX);
      assert.equal(log.count('count'), MAX, 'counted by the server itself');
      const events = (await gateway.auditEvents()).filter((event) => event.tool === 'count');
      assert.equal(events.length, SESSIONS * CALLS_PER_SESSION, 'one audit event per call');
      assert.equal(events.filter((event) => event.decision === 'allow' && event.upstreamStatus === 'ok').length, MAX);
    });

    test(`scope grant: each of two grants gets exactly ${MAX} through`, async () => {
      const results = await burst(clients, 'echo');
      const { allowed, rateLimited, other } = tally(results);
      assert.deepEqual(other, []);
      assert.equal(allowed, 2 * MAX);
      assert.equal(rateLimited, SESSIONS * CALLS_PER_SESSION - 2 * MAX);
      assert.equal(log.count('echo'), 2 * MAX);
      const allowedEvents = (await gateway.auditEvents()).filter((event) => event.tool === 'echo' && event.decision === 'allow');
      for (const grantId of grants) {
        assert.equal(allowedEvents.filter((event) => event.grantId === grantId).length, MAX, `grant ${grantId}`);
      }
    });
  });
}
