// The demo's MLflow filter subset: what it matches, and that what it does not support is refused
// with a message rather than silently ignored.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesFilter, parseFilter, parseOrderBy, sortItems } from '../../examples/mlflow/filters.js';
import type { Field, FieldSpec } from '../../examples/mlflow/filters.js';

type Row = { name: string; metrics: Record<string, number>; tags: Record<string, string> };
const SPEC: FieldSpec = { kinds: ['metric', 'tag', 'attribute'], attributes: ['name'] };
const lookup = (row: Row, field: Field): string | number | undefined =>
  field.kind === 'metric' ? row.metrics[field.key] : field.kind === 'tag' ? row.tags[field.key] : row.name;
const ROWS: Row[] = [
  { name: 'Fraud-A', metrics: { auc: 0.95, 'val/loss': 0.2 }, tags: { owner: 'ml' } },
  { name: 'fraud-b', metrics: { auc: 0.85 }, tags: { owner: 'ops' } },
  { name: 'churn', metrics: {}, tags: { owner: 'ml' } },
];
const names = (filter: string): string[] => ROWS.filter((r) => matchesFilter(r, parseFilter(filter, SPEC), lookup)).map((r) => r.name);

describe('MLflow filter subset', () => {
  test('comparisons joined with AND', () => {
    assert.deepEqual(names("name LIKE 'fraud%'"), ['fraud-b']);
    assert.deepEqual(names("name ILIKE 'fraud%'"), ['Fraud-A', 'fraud-b']);
    assert.deepEqual(names("tags.owner = 'ml' AND metrics.auc > 0.9"), ['Fraud-A']);
    assert.deepEqual(names('metrics.`val/loss` <= 0.2'), ['Fraud-A']);
    assert.deepEqual(names("tags.owner != 'ml'"), ['fraud-b']);
    assert.deepEqual(names(''), ['Fraud-A', 'fraud-b', 'churn']);
  });

  test('a row lacking the compared metric never matches', () => {
    assert.deepEqual(names('metrics.auc < 1'), ['Fraud-A', 'fraud-b']);
  });

  test('unsupported syntax is refused with a reason', () => {
    assert.throws(() => parseFilter("name = 'a' OR name = 'b'", SPEC), /unsupported filter syntax 'OR'/);
    assert.throws(() => parseFilter("tags.owner IN ('ml')", SPEC), /unsupported filter syntax 'IN'/);
    assert.throws(() => parseFilter("(name = 'a')", SPEC), /unsupported filter syntax '\('/);
    assert.throws(() => parseFilter("params.lr = '0.1'", SPEC), /param fields cannot be used here/);
    assert.throws(() => parseFilter("metrics.auc > 'high'", SPEC), /metrics compare with numbers/);
    assert.throws(() => parseFilter("name = 'a' name = 'b'", SPEC), /expected AND/);
  });

  test('order_by sorts, with missing values last', () => {
    const sorted = sortItems(ROWS, parseOrderBy(['metrics.auc ASC'], SPEC), lookup).map((r) => r.name);
    assert.deepEqual(sorted, ['fraud-b', 'Fraud-A', 'churn']);
    assert.throws(() => parseOrderBy(['metrics.auc SIDEWAYS'], SPEC), /must look like/);
  });
});
