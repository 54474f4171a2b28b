// `toolgate serve` with its grant cache (SQLite): a token is checked on every request, mostly from
// the cache, and `toolgate grants revoke` in another process is refused at the very next request,
// also inside an open session; another grant keeps working.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runToolgate } from '../helpers/run-toolgate.js';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.js';
import { startCountingHttp, type HttpFixture } from '../helpers/spawn-http-server.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { assertAllowed, call, createCallLog, type CallLog } from '../helpers/tool-calls.js';

let dir: TempDir;
let log: CallLog;
let upstream: HttpFixture;
let gateway: ServeProcess;
let config = '';

async function createGrant(name: string): Promise<string> {
  const run = await runToolgate(['grants', 'create', '--name', name, '--servers', '*', '--json', '-c', config]);
  assert.equal(run.code, 0, run.stderr);
  return (JSON.parse(run.stdout) as { token: string }).token;
}

/** A request that needs the grant but opens nothing: 400 while the token is good, 401 once it is not. */
async function probe(token: string): Promise<number> {
  const response = await fetch(`${gateway.url}/mcp/bank`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  await response.text();
  return response.status;
}

before(async () => {
  dir = makeTempDir('grants-cache');
  log = createCallLog(dir.path);
  upstream = await startCountingHttp({ COUNTING_SERVER_LOG: log.path });
  const policy = join(dir.path, 'policy.json');
  writeFileSync(policy, JSON.stringify({ version: '1', default: 'allow' }));
  gateway = await startServeProcess(dir.path, 'gateway', { auth: 'grants', servers: { bank: { url: upstream.url, policy } } });
  config = join(dir.path, 'gateway.json');
});

after(async () => {
  await gateway?.stop();
  await upstream?.stop();
  dir?.cleanup();
});

describe('toolgate serve: grant cache', () => {
  test('revoked with the CLI: refused at the very next request, also in an open session', async () => {
    const doomed = await createGrant('doomed');
    const kept = await createGrant('kept');
    const client = await gateway.connect('bank', doomed);
    for (let i = 0; i < 5; i++) assertAllowed(await call(client, 'count'));
    assert.equal(await probe(doomed), 400);
    assert.equal(await probe(kept), 400);

    const revoked = await runToolgate(['grants', 'revoke', 'doomed', '-c', config]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(await probe(doomed), 401, 'the first request after the revoke is refused');
    const reached = log.count();
    await assert.rejects(async () => call(client, 'count'));
    assert.equal(log.count(), reached, 'nothing reached the server after the revoke');
    assert.equal(await probe(kept), 400, 'another grant still works');
  });

  test('a grant created while the gateway runs works at once; unknown tokens are refused', async () => {
    assert.equal(await probe(`tg_${'A'.repeat(43)}`), 401);
    const fresh = await createGrant('fresh');
    assertAllowed(await call(await gateway.connect('bank', fresh), 'count'));
  });
});
