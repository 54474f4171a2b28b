// The profile summary on a small hand-made .cpuprofile: self time per function, native code charged
// to its caller's file, inclusive time, and only the samples inside a window.
// Run: node --test dist/bench/cpuprofile-top.test.js (or with the rest: scripts/run-tests.mjs looks in dist/bench too).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupOfUrl, summarizeProfile, type CpuProfile } from './cpuprofile-top.js';

const ROOT = 'file:///work/main/dist';
const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 });

// (root) → handle (src/gateway/call-pipeline) → reserve (src/state/sqlite-counter-store) → run (native)
//        → (idle)
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 5] },
    { id: 2, callFrame: frame('handle', `${ROOT}/src/gateway/call-pipeline.js`, 9), children: [3] },
    { id: 3, callFrame: frame('reserve', `${ROOT}/src/state/sqlite-counter-store.js`, 196), children: [4] },
    { id: 4, callFrame: frame('run') },
    { id: 5, callFrame: frame('(idle)') },
  ],
  startTime: 1_000,
  endTime: 2_000,
  // Each sample's time lasts until the next one: 100 µs apart.
  samples: [4, 4, 3, 2, 5, 5, 4, 4],
  timeDeltas: [0, 100, 100, 100, 100, 100, 100, 100],
};

test('a file is named by its source path, a package by its name, node internals as they are', () => {
  assert.equal(groupOfUrl(`${ROOT}/src/state/sqlite-counter-store.js`), 'src/state/sqlite-counter-store.ts');
  assert.equal(groupOfUrl('file:///work/main/node_modules/better-sqlite3/lib/methods/transaction.js'), 'better-sqlite3');
  assert.equal(groupOfUrl('file:///work/main/node_modules/@modelcontextprotocol/sdk/dist/esm/shared/stdio.js'), '@modelcontextprotocol/sdk');
  assert.equal(groupOfUrl('node:internal/stream_base_commons'), 'node:internal/stream_base_commons');
  assert.equal(groupOfUrl(''), undefined);
});

test('self time per function; native code is charged to the file that called it; idle is not busy', () => {
  const summary = summarizeProfile(profile, { calls: 2 });
  // The last sample has no following delta, so it counts 0: 7 spans of 100 µs.
  assert.equal(summary.windowMs, 0.7);
  assert.equal(summary.busyMs, 0.5);
  assert.deepEqual(
    summary.topFunctions.map((entry) => [entry.name, entry.group, Math.round(entry.ms * 1000)]),
    [
      ['run', 'native ← src/state/sqlite-counter-store.ts', 300],
      ['reserve:197', 'src/state/sqlite-counter-store.ts', 100],
      ['handle:10', 'src/gateway/call-pipeline.ts', 100],
    ],
  );
  const inclusive = Object.fromEntries(summary.inclusiveByGroup.map((entry) => [entry.name, Math.round(entry.ms * 1000)]));
  assert.equal(inclusive['src/gateway/call-pipeline.ts'], 500);
  assert.equal(inclusive['src/state/sqlite-counter-store.ts'], 400);
  assert.equal(inclusive['(idle)'], undefined);
  assert.deepEqual(
    summary.inclusiveSrcFunctions.map((entry) => [entry.name, Math.round(entry.ms * 1000)]),
    [['handle:10', 500], ['reserve:197', 400]],
  );
});

test('only the samples inside the window count', () => {
  // Samples at 1000, 1100, ... 1700 µs; [1350, 1650) holds those at 1400 (idle), 1500 (idle) and 1600 (run).
  const summary = summarizeProfile(profile, { fromUs: 1_350, toUs: 1_650 });
  assert.equal(summary.samples, 3);
  assert.equal(Math.round(summary.busyMs * 1000), 100);
  assert.deepEqual(summary.topFunctions.map((entry) => entry.name), ['run']);
});

test('callers of a function, nearest first', () => {
  const summary = summarizeProfile(profile, { callersOf: 'run', callersDepth: 2 });
  assert.deepEqual(
    summary.callers?.map((entry) => [entry.name, Math.round(entry.ms * 1000)]),
    [['reserve:197 (src/state/sqlite-counter-store.ts) ← handle:10 (src/gateway/call-pipeline.ts)', 300]],
  );
});
