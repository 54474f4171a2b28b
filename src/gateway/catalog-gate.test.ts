// The catalog gate in front of a server's policy: classes reach the engine, held tools are hidden
// and refused, unseen tools ask for a listing, pages are not recorded, a broken store fails closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCatalogService } from '../catalog/catalog-service.js';
import type { CatalogStore } from '../catalog/catalog-store.js';
import { createMemoryCatalogStore } from '../catalog/memory-catalog-store.js';
import { systemClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { createPolicyEngine } from '../policy/engine.js';
import { validatePolicy } from '../policy/validate-policy.js';
import { createCatalogGate } from './catalog-gate.js';
import type { CatalogRefresher } from './catalog-refresh.js';
import { createPolicyHolder } from './policy-holder.js';

function setUp(rawPolicy: unknown, store: CatalogStore = createMemoryCatalogStore()) {
  const { policy } = validatePolicy(rawPolicy);
  assert.ok(policy);
  const holder = createPolicyHolder('db', policy, createPolicyEngine);
  const catalog = createCatalogService({ store, clock: systemClock, logger: silentLogger, driftPolicy: () => holder.policy });
  const scheduled: string[] = [];
  const refresher: CatalogRefresher = {
    refresh: async () => {},
    schedule: (server, trigger = 'list_changed') => void scheduled.push(`${server}:${trigger}`),
    failed: () => false,
    close: async () => {},
  };
  const gate = createCatalogGate({ server: 'db', policy: holder, catalog, refresher, logger: silentLogger });
  return { gate, catalog, scheduled };
}

const facts = (tool: string) => ({ server: 'db', tool, args: {}, grantId: 'grt_1' });
const listing = (tools: Array<Record<string, unknown>>) => ({ tools });

test('catalog gate: the class from the catalog reaches the engine; unseen tools are refused under classes and ask for a listing', () => {
  const { gate, scheduled } = setUp({ version: '1', default: 'allow', classes: { read: {}, destructive: { action: 'deny' } } });
  gate.observeListing(undefined, listing([{ name: 'read_rows', description: 'Read rows from a table.' }]));
  assert.equal(gate.decider.decide(facts('read_rows')).rule, 'classes.read');
  assert.deepEqual(scheduled, []);
  // Its class is unknown, so `classes.destructive` cannot be applied: refused, never let through by default.
  const unseen = gate.decider.decide(facts('drop_table'));
  assert.equal(unseen.kind, 'deny');
  assert.equal(unseen.rule, 'catalog.unknown');
  assert.deepEqual(scheduled, ['db:unknown_tool']);
});

test('catalog gate: without classes or on_new, an unseen tool falls to the default', () => {
  const { gate, scheduled } = setUp({ version: '1', default: 'allow' });
  gate.observeListing(undefined, listing([{ name: 'read_rows', description: 'Read rows from a table.' }]));
  assert.equal(gate.decider.decide(facts('other_tool')).rule, 'default');
  assert.deepEqual(scheduled, ['db:unknown_tool']);
});

test('catalog gate: under on_new: block, a tool the catalog has not seen is refused until it is listed', () => {
  const { gate } = setUp({ version: '1', default: 'allow', on_new: 'block' });
  const decision = gate.decider.decide(facts('brand_new'));
  assert.equal(decision.kind, 'deny');
  assert.equal(decision.rule, 'catalog.unknown');
});

test('catalog gate: a held tool is hidden and refused with the catalog rule', () => {
  const { gate } = setUp({ version: '1', default: 'allow', on_new: 'block' });
  gate.observeListing(undefined, listing([{ name: 'a', description: 'Read a.' }]));
  gate.observeListing(undefined, listing([{ name: 'a', description: 'Read a.' }, { name: 'b', description: 'Read b.' }]));
  assert.equal(gate.decider.isHidden('b'), true);
  assert.equal(gate.decider.isHidden('a'), false);
  const decision = gate.decider.decide(facts('b'));
  assert.equal(decision.kind, 'hidden');
  assert.equal(decision.rule, 'catalog.new');
});

test('catalog gate: a page of a paginated listing is not recorded; it asks for a listing instead', () => {
  const { gate, catalog, scheduled } = setUp({ version: '1', default: 'allow' });
  gate.observeListing(undefined, { tools: [{ name: 'a' }], nextCursor: 'p2' });
  gate.observeListing({ cursor: 'p2' }, listing([{ name: 'b' }]));
  assert.deepEqual(catalog.list('db'), []);
  assert.deepEqual(scheduled, ['db:retry', 'db:retry']);
});

test('catalog gate: when a hold cannot be read, the tool is hidden (fail closed)', () => {
  const store = createMemoryCatalogStore();
  const { gate } = setUp({ version: '1', default: 'allow', on_change: 'block' }, store);
  gate.observeListing(undefined, listing([{ name: 'a', description: 'Read a.' }]));
  gate.observeListing(undefined, listing([{ name: 'a', description: 'Read a, changed.' }]));
  store.get = () => {
    throw new Error('database is locked');
  };
  assert.equal(gate.decider.isHidden('a'), true);
  assert.throws(() => gate.decider.decide(facts('a')), /database is locked/);
});
