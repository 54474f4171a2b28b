// Handlers for run tools: listing and querying runs, metrics, comparisons, tagging and deleting.
// Artifact tools live in handlers-artifacts.ts.
import {
  ArgumentError, optionalBool, optionalInt, optionalStringArray, requireObject, requireString,
  requireStringArray, tagValues,
} from './args.js';
import type { Args } from './args.js';
import { matchesFilter, parseFilter, parseOrderBy, sortItems } from './filters.js';
import type { Clause } from './filters.js';
import { latestMetric, latestMetrics, NotFoundError, PARENT_RUN_TAG } from './registry.js';
import type { Registry, Run } from './registry.js';
import { ok, StateError } from './result.js';
import type { ToolHandler } from './result.js';
import { RUN_FIELDS, runField, runView } from './views.js';

// Newest first unless order_by says otherwise, as MLflow does.
const DEFAULT_ORDER = [{ field: { kind: 'attribute' as const, key: 'start_time' }, ascending: false }];

function page(registry: Registry, args: Args, clauses: Clause[]): Record<string, unknown> {
  const experimentId = requireString(args, 'experiment_id');
  const limit = optionalInt(args, 'limit', 3, 1, 1000);
  const offset = optionalInt(args, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const orders = parseOrderBy(optionalStringArray(args, 'order_by'), RUN_FIELDS);
  const found = registry.activeRuns(experimentId).filter((run) => matchesFilter(run, clauses, runField));
  const sorted = sortItems(found, orders.length > 0 ? orders : DEFAULT_ORDER, runField);
  const runs = sorted.slice(offset, offset + limit);
  const next = offset + limit < sorted.length ? offset + limit : null;
  return { experiment_id: experimentId, total: sorted.length, offset, limit, next_offset: next, runs: runs.map(runView) };
}

function activeRun(registry: Registry, runId: string): Run {
  const run = registry.run(runId);
  if (run.info.lifecycle_stage === 'deleted') throw new StateError(`Run '${runId}' is deleted`);
  return run;
}

function runInExperiment(registry: Registry, experimentId: string, runId: string): Run {
  const run = registry.run(runId);
  if (run.info.experiment_id !== experimentId) {
    throw new NotFoundError(`Run '${runId}' belongs to experiment '${run.info.experiment_id}', not '${experimentId}'`);
  }
  return run;
}

export const RUN_HANDLERS: Record<string, ToolHandler> = {
  get_runs: (registry, args) => ok(page(registry, args, [])),

  query_runs: (registry, args) => {
    const query = args.query;
    if (typeof query !== 'string') throw new ArgumentError(`'query' must be a string (use "" for every run)`);
    return ok(page(registry, args, parseFilter(query, RUN_FIELDS)));
  },

  search_runs_by_tags: (registry, args) => {
    const tags = tagValues('tags', requireObject(args, 'tags'));
    if (Object.keys(tags).length === 0) throw new ArgumentError(`'tags' must name at least one tag`);
    const clauses = Object.entries(tags).map(([key, value]): Clause => ({ field: { kind: 'tag', key }, op: '=', value }));
    return ok({ tags, ...page(registry, { ...args, order_by: undefined }, clauses) });
  },

  get_run: (registry, args) => ok(runView(registry.run(requireString(args, 'run_id')))),

  get_parent_run: (registry, args) => {
    const run = registry.run(requireString(args, 'run_id'));
    const parentId = run.tags[PARENT_RUN_TAG];
    const parent = parentId ? registry.runs.get(parentId) : undefined;
    return ok({ run_id: run.info.run_id, parent_run: parent ? runView(parent) : null });
  },

  get_run_metrics: (registry, args) => {
    const run = registry.run(requireString(args, 'run_id'));
    return ok({ run_id: run.info.run_id, metrics: latestMetrics(run) });
  },

  get_run_metric: (registry, args) => {
    const run = registry.run(requireString(args, 'run_id'));
    const name = requireString(args, 'metric_name');
    const history = run.metricHistory[name];
    if (!history) {
      const known = Object.keys(run.metricHistory).sort().join(', ') || 'none';
      throw new NotFoundError(`Run '${run.info.run_id}' has no metric '${name}' (its metrics: ${known})`);
    }
    return ok({ run_id: run.info.run_id, metric: name, history: history.map((p) => ({ ...p })) });
  },

  get_best_run: (registry, args) => {
    const experimentId = requireString(args, 'experiment_id');
    const metric = requireString(args, 'metric');
    const ascending = optionalBool(args, 'ascending', false);
    const field = { kind: 'metric' as const, key: metric };
    const withMetric = registry.activeRuns(experimentId).filter((run) => runField(run, field) !== undefined);
    const best = sortItems(withMetric, [{ field, ascending }], runField)[0];
    if (!best) throw new NotFoundError(`No run of experiment '${experimentId}' logged the metric '${metric}'`);
    return ok({ experiment_id: experimentId, metric, ascending, value: runField(best, field), run: runView(best) });
  },

  compare_runs: (registry, args) => {
    const experimentId = requireString(args, 'experiment_id');
    registry.experiment(experimentId);
    const runs = requireStringArray(args, 'run_ids').map((id) => runInExperiment(registry, experimentId, id));
    const metrics: Record<string, Record<string, number | null>> = {};
    const params: Record<string, Record<string, string | null>> = {};
    for (const run of runs) {
      for (const key of Object.keys(run.metricHistory)) metrics[key] = {};
      for (const key of Object.keys(run.params)) params[key] = {};
    }
    for (const run of runs) {
      const id = run.info.run_id;
      for (const key of Object.keys(metrics)) metrics[key]![id] = latestMetric(run.metricHistory[key] ?? []) ?? null;
      for (const key of Object.keys(params)) params[key]![id] = run.params[key] ?? null;
    }
    const summary = runs.map((r) => ({ run_id: r.info.run_id, run_name: r.info.run_name, status: r.info.status }));
    return ok({ experiment_id: experimentId, runs: summary, metrics, params });
  },

  set_run_tag: (registry, args) => {
    const run = activeRun(registry, requireString(args, 'run_id'));
    const key = requireString(args, 'key');
    const value = requireString(args, 'value');
    run.tags[key] = value;
    return ok({ run_id: run.info.run_id, key, value, tags: { ...run.tags } });
  },

  delete_run: (registry, args) => {
    const run = activeRun(registry, requireString(args, 'run_id'));
    run.info.lifecycle_stage = 'deleted';
    return ok({ run_id: run.info.run_id, lifecycle_stage: 'deleted' });
  },
};
