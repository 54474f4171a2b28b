// Handlers for experiment tools (list, search, describe, tag, delete) and the health check.
import { optionalInt, optionalString, optionalStringArray, requireString } from './args.js';
import { matchesFilter, parseFilter, parseOrderBy, sortItems } from './filters.js';
import { ok, StateError } from './result.js';
import type { ToolHandler } from './result.js';
import type { Experiment, Registry } from './registry.js';
import { EXPERIMENT_FIELDS, experimentField, experimentView } from './views.js';

// The distinct keys of one part (metrics, params or tags) over an experiment's active runs.
function distinctKeys(registry: Registry, experimentId: string, part: 'metricHistory' | 'params' | 'tags'): string[] {
  const keys = new Set<string>();
  for (const run of registry.activeRuns(experimentId)) {
    for (const key of Object.keys(run[part])) keys.add(key);
  }
  return [...keys].sort();
}

function activeExperiment(registry: Registry, id: string): Experiment {
  const experiment = registry.experiment(id);
  if (experiment.lifecycle_stage === 'deleted') throw new StateError(`Experiment '${id}' is deleted`);
  return experiment;
}

export const EXPERIMENT_HANDLERS: Record<string, ToolHandler> = {
  get_experiments: (registry) => ok({ experiments: registry.activeExperiments().map(experimentView) }),

  search_experiments: (registry, args) => {
    const clauses = parseFilter(optionalString(args, 'filter_string'), EXPERIMENT_FIELDS);
    const orders = parseOrderBy(optionalStringArray(args, 'order_by'), EXPERIMENT_FIELDS);
    const max = optionalInt(args, 'max_results', 100, 1, 1000);
    const found = registry.activeExperiments().filter((e) => matchesFilter(e, clauses, experimentField));
    const sorted = sortItems(found, orders, experimentField);
    return ok({ experiments: sorted.slice(0, max).map(experimentView) });
  },

  get_experiment_by_name: (registry, args) => {
    const experiment = registry.experimentByName(requireString(args, 'name'));
    const runs = registry.activeRuns(experiment.experiment_id).length;
    return ok({ ...experimentView(experiment), run_count: runs });
  },

  get_experiment_metrics: (registry, args) => {
    const id = requireString(args, 'experiment_id');
    return ok({ experiment_id: id, metrics: distinctKeys(registry, id, 'metricHistory') });
  },

  get_experiment_params: (registry, args) => {
    const id = requireString(args, 'experiment_id');
    return ok({ experiment_id: id, params: distinctKeys(registry, id, 'params') });
  },

  get_experiment_tags: (registry, args) => {
    const id = requireString(args, 'experiment_id');
    return ok({ experiment_id: id, tags: distinctKeys(registry, id, 'tags') });
  },

  set_experiment_tag: (registry, args) => {
    const experiment = activeExperiment(registry, requireString(args, 'experiment_id'));
    const key = requireString(args, 'key');
    const value = requireString(args, 'value');
    experiment.tags[key] = value;
    experiment.last_update_time = registry.now();
    return ok({ experiment_id: experiment.experiment_id, key, value, tags: { ...experiment.tags } });
  },

  delete_experiment: (registry, args) => {
    const experiment = activeExperiment(registry, requireString(args, 'experiment_id'));
    // MLflow keeps the Default experiment; the demo refuses the same way.
    if (experiment.experiment_id === '0') throw new StateError('The default experiment (id 0) cannot be deleted');
    const runs = registry.activeRuns(experiment.experiment_id);
    for (const run of runs) run.info.lifecycle_stage = 'deleted';
    experiment.lifecycle_stage = 'deleted';
    experiment.last_update_time = registry.now();
    return ok({ experiment_id: experiment.experiment_id, lifecycle_stage: 'deleted', runs_deleted: runs.length });
  },

  health: (registry) =>
    ok({
      status: 'ok',
      server: 'mlflow-demo',
      tracking_uri: process.env.MLFLOW_TRACKING_URI ?? 'memory://mlflow-demo',
      experiments: registry.activeExperiments().length,
      registered_models: registry.models.size,
    }),
};
