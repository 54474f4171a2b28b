// The heap census counts what a real snapshot holds: instances by constructor, and what they own.
// Run: node --test dist/bench/sessions/heap-summary.test.js (bench tests are not in the suite).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeHeapSnapshot } from 'node:v8';
import { heapGrowth, summarizeHeapSnapshot } from './heap-summary.js';
import { readSessionsConfig } from './sessions-config.js';

class CensusMarker {
  readonly payload = Array.from({ length: 20 }, (_, i) => ({ i }));
}

test('a snapshot is totalled by constructor, and an owner is charged for what hangs below it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heap-summary-test-'));
  try {
    const before = summarizeHeapSnapshot(writeHeapSnapshot(join(dir, 'before.heapsnapshot')));
    const kept = Array.from({ length: 2_000 }, () => new CensusMarker());
    const after = summarizeHeapSnapshot(writeHeapSnapshot(join(dir, 'after.heapsnapshot')));
    assert.equal(kept.length, 2_000);
    assert.equal(after.groups.get('CensusMarker')?.count, 2_000);
    const owned = after.byOwner.get('CensusMarker');
    // Each marker owns its array and 20 small objects: far more than its own few dozen bytes.
    assert.ok(owned && owned.bytes > after.groups.get('CensusMarker')!.bytes * 10, `owned ${owned?.bytes} bytes`);
    // The growth between the snapshots is charged to the markers (the first summary, still alive, is
    // charged elsewhere: plain Maps and objects have no owner of their own).
    const grown = heapGrowth(before, after, 10, 'byOwner').find((group) => group.name === 'CensusMarker');
    assert.ok(grown && grown.bytes >= owned.bytes * 0.99, `grown ${grown?.bytes} of ${owned.bytes} bytes`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the sessions bench refuses unknown arguments and bad sizes, naming them', () => {
  assert.throws(() => readSessionsConfig({}, ['--fast']), /unknown argument --fast/);
  assert.throws(() => readSessionsConfig({ BENCH_SESSIONS: '0' }, []), /BENCH_SESSIONS must be a positive integer, not "0"/);
  const quick = readSessionsConfig({}, ['--quick']);
  assert.equal(quick.sessions, 1_000);
  assert.ok(quick.calls < readSessionsConfig({}, []).calls);
});
