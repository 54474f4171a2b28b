// How a round's sequential calls are cut into the slices targets take turns at, and how the target
// order rotates from round to round.
// Run: node --test dist/bench/rounds.test.js
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rotated, slices, SLICE_CALLS } from './rounds.js';

test(`a round's calls are slices of ${SLICE_CALLS}, the last one shorter, and add up to the round`, () => {
  assert.deepEqual(slices(400), Array.from({ length: 8 }, () => 50));
  assert.deepEqual(slices(120), [50, 50, 20]);
  assert.deepEqual(slices(7), [7]);
  assert.deepEqual(slices(0), []);
});

test('each round starts one target later', () => {
  assert.deepEqual(rotated(['a', 'b', 'c'], 0), ['a', 'b', 'c']);
  assert.deepEqual(rotated(['a', 'b', 'c'], 1), ['b', 'c', 'a']);
  assert.deepEqual(rotated(['a', 'b', 'c'], 4), ['b', 'c', 'a']);
  assert.deepEqual(rotated([], 3), []);
});
