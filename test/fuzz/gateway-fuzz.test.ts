// Issue 3: a property-based fuzz of every client-facing transport. Generated and mutated messages go
// to the HTTP endpoint and the stdio transport, in front of real counting servers; the properties
// are 0 crashes, 0 hangs, 0 forbidden calls reaching a server (and 0 must-refuse inputs accepted).
// FUZZ_RUNS scales the messages per transport (default 100,000); FUZZ_SEED replays a run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { createCallLog, type CallLog } from '../helpers/tool-calls.js';
import { ALLOW_BY_DEFAULT, DENY_BY_DEFAULT, forbiddenCalls, type PolicyExpectation } from './fuzz-policy.js';
import { createTally, note, type Tally } from './fuzz-tally.js';
import { logLines, post, startHttpGateway, startStdioSession, type HttpGateway } from './fuzz-targets.js';
import { createHttpRun } from './http-driver.js';
import { buildCase, oversizeBody, plan, type FuzzCase } from './mutations.js';
import { createStdioRun } from './stdio-driver.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const LIMIT = 4 * 1024 * 1024; // the default HTTP body and stdio line bound
const CHUNK = 2_000;
const OVERSIZE_EVERY = 2_500;

/** The cases for one transport, generated a chunk at a time from the seed (so a run replays exactly). */
function* cases(seed: number, runs: number): Generator<FuzzCase> {
  for (let start = 0; start < runs; start += CHUNK) {
    const plans = fc.sample(plan, { seed: seed + start, numRuns: Math.min(CHUNK, runs - start) });
    for (const [offset, p] of plans.entries()) {
      const index = start + offset;
      if (index % OVERSIZE_EVERY === OVERSIZE_EVERY - 1) {
        const extra = index % (OVERSIZE_EVERY * 4) === OVERSIZE_EVERY * 4 - 1 ? 0 : 1 + (index % 977);
        // Variant 0 sends a Content-Length, variant 1 streams the body chunked.
        yield { bytes: oversizeBody(LIMIT, extra), mustRefuse: extra > 0 ? 'oversize' : undefined, multiline: false, tags: ['oversize'], splits: [], variant: index % 2 };
      } else yield buildCase(p);
    }
  }
}

let dir: TempDir;
const logs: Record<string, CallLog> = {};
const expectations: Record<string, PolicyExpectation> = { allow: ALLOW_BY_DEFAULT, deny: DENY_BY_DEFAULT, stdio: ALLOW_BY_DEFAULT };
let http: HttpGateway;
const processCrashes: string[] = [];
const onCrash = (error: unknown): void => void processCrashes.push(String((error as Error)?.stack ?? error));

before(async () => {
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  dir = makeTempDir('fuzz');
  for (const name of Object.keys(expectations)) logs[name] = createCallLog(dir.path, `${name}.log`);
  http = await startHttpGateway(dir.path, { allow: { expectation: ALLOW_BY_DEFAULT, log: logs['allow']! }, deny: { expectation: DENY_BY_DEFAULT, log: logs['deny']! } });
});

after(async () => {
  await http?.gateway.stop();
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  dir?.cleanup();
});

async function fuzzHttp(tally: Tally): Promise<void> {
  const run = createHttpRun(http, tally);
  const source = cases(SEED, RUNS);
  let index = 0;
  const worker = async (): Promise<void> => {
    for (let next = source.next(); !next.done; next = source.next()) {
      const server = index++ % 2 === 0 ? 'allow' : 'deny';
      await run.send(next.value, server, server === 'allow' ? 'deny' : 'allow');
    }
  };
  await Promise.all(Array.from({ length: 12 }, worker));
  // Still up: a sound call on each server is answered by the server.
  for (const server of ['allow', 'deny']) {
    const answer = await post(http.port, server, http.token, http.sessions.get(server), { jsonrpc: '2.0', id: 'alive', method: 'tools/call', params: { name: 'echo', arguments: { text: 'alive' } } }).catch((error: Error) => ({ status: 0, json: { error: error.message } as Record<string, unknown> }));
    if (JSON.stringify(answer.json?.['result'] ?? null) !== JSON.stringify({ content: [{ type: 'text', text: '{"text":"alive"}' }] })) note(tally, 'crashes', `${server} no longer answers: ${JSON.stringify(answer.json)}`);
  }
  console.log(`fuzz http: ${run.opened} sessions opened by session-less initialize requests (ended after the run)`);
  run.close();
}

async function fuzzStdio(tally: Tally): Promise<void> {
  const { session } = await startStdioSession('stdio', ALLOW_BY_DEFAULT, logs['stdio']!);
  const run = createStdioRun(session, tally, ALLOW_BY_DEFAULT.hidden);
  for (const fuzz of cases(SEED ^ 0x2545f491, RUNS)) await run.send(fuzz);
  await run.send({ bytes: Buffer.from('{"jsonrpc":"2.0","id":"alive","method":"tools/call","params":{"name":"echo","arguments":{}}}'), mustRefuse: undefined, multiline: false, tags: [], splits: [], variant: 0 });
  await run.drain();
  if (session.closed) note(tally, 'crashes', 'the stdio session ended');
  run.close();
  await session.close('fuzz done');
}

function report(tally: Tally, ms: number): void {
  console.log(`fuzz ${tally.transport}: ${tally.messages} messages in ${(ms / 1000).toFixed(1)} s; crashes ${tally.crashes}, hangs ${tally.hangs}, must-refuse accepted ${tally.escapes}, extra answers ${tally.extraAnswers}`);
  console.log(`fuzz ${tally.transport}: answers ${JSON.stringify(tally.statuses)}`);
  for (const sample of tally.samples) console.log(`  ${sample}`);
}

test(`fuzz: ${RUNS} messages per client-facing transport (seed ${SEED})`, { timeout: 30 * 60_000 }, async () => {
  console.log(`fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS})`);
  const tallies: Array<[Tally, number]> = [];
  for (const [name, fuzz] of [['http', fuzzHttp], ['stdio', fuzzStdio]] as const) {
    const tally = createTally(name);
    const started = Date.now();
    await fuzz(tally);
    tallies.push([tally, Date.now() - started]);
    report(tally, Date.now() - started);
  }
  let forbidden = 0;
  let reached = 0;
  for (const [name, log] of Object.entries(logs)) {
    const lines = logLines(log);
    const verdict = forbiddenCalls(lines, expectations[name]!);
    forbidden += verdict.count;
    reached += lines.length;
    console.log(`fuzz upstream ${name}: ${lines.length} calls reached it ${JSON.stringify(verdict.tools)}; forbidden ${verdict.count}`);
  }
  const crashes = tallies.reduce((sum, [t]) => sum + t.crashes, 0) + processCrashes.length;
  const hangs = tallies.reduce((sum, [t]) => sum + t.hangs, 0);
  const escapes = tallies.reduce((sum, [t]) => sum + t.escapes + t.extraAnswers, 0);
  for (const crash of processCrashes.slice(0, 5)) console.log(`  process crash: ${crash}`);
  console.log(`FUZZ RESULT seed=${SEED} messages: ${tallies.map(([t]) => `${t.transport}=${t.messages}`).join(' ')} | crashes=${crashes} hangs=${hangs} denied-calls-reaching-upstream=${forbidden} | must-refuse-accepted/extra-answers=${escapes} | allowed calls reaching upstream=${reached}`);
  assert.equal(crashes, 0, 'crashes');
  assert.equal(hangs, 0, 'hangs');
  assert.equal(forbidden, 0, 'calls the policy denies or hides reached the upstream');
  assert.equal(escapes, 0, 'inputs the gateway must refuse were accepted, or a line got more than one answer');
  assert.ok(reached > 0, 'some allowed calls reached the upstream (the fuzz is not refused wholesale)');
  for (const [tally] of tallies) assert.ok(tally.messages >= RUNS, `${tally.transport} got ${tally.messages} messages`);
});
