// Handlers that read the model registry (registered models, versions, aliases) and search
// logged models. Writes and deletes live in handlers-model-writes.ts.
import {
  ArgumentError, optionalInt, optionalObjectArray, optionalString, optionalStringArray, requireString,
  requireStringArray, requireVersion,
} from './args.js';
import { matchesFilter, parseField, parseFilter, sortItems } from './filters.js';
import type { OrderBy } from './filters.js';
import { latestMetrics, NotFoundError, STAGES } from './registry.js';
import type { LoggedModel, Stage } from './registry.js';
import { ok } from './result.js';
import type { ToolHandler } from './result.js';
import {
  LOGGED_MODEL_FIELDS, latestPerStage, loggedModelField, loggedModelView, modelDetail, modelSummary, versionView,
} from './views.js';

// Stage names are case-insensitive on input and canonical on output, as in MLflow.
export function parseStage(value: string, key: string): Stage {
  const stage = STAGES.find((s) => s.toLowerCase() === value.trim().toLowerCase());
  if (!stage) throw new ArgumentError(`'${key}' must be one of ${STAGES.join(', ')}, got ${JSON.stringify(value)}`);
  return stage;
}

function loggedModelOrder(entries: Array<Record<string, unknown>> | undefined): OrderBy[] {
  if (!entries) return [{ field: { kind: 'attribute', key: 'creation_timestamp' }, ascending: false }];
  return entries.map((entry, index) => {
    const name = entry.field_name;
    const ascending = entry.ascending ?? true;
    if (typeof name !== 'string' || typeof ascending !== 'boolean') {
      throw new ArgumentError(`'order_by[${index}]' needs 'field_name' (a string) and 'ascending' (true or false)`);
    }
    return { field: parseField(name, LOGGED_MODEL_FIELDS, name), ascending };
  });
}

function datasetFilter(entries: Array<Record<string, unknown>> | undefined): (model: LoggedModel) => boolean {
  if (!entries) return () => true;
  const wanted = entries.map((entry, index) => {
    if (typeof entry.name !== 'string' || typeof entry.digest !== 'string') {
      throw new ArgumentError(`'datasets[${index}]' needs both 'name' and 'digest' as strings`);
    }
    return { name: entry.name, digest: entry.digest };
  });
  return (model) =>
    model.metrics.some((m) => wanted.some((w) => w.name === m.dataset_name && w.digest === m.dataset_digest));
}

export const MODEL_HANDLERS: Record<string, ToolHandler> = {
  get_registered_models: (registry) => ok({ registered_models: [...registry.models.values()].map(modelSummary) }),

  get_registered_model: (registry, args) => ok(modelDetail(registry.model(requireString(args, 'name')))),

  get_model_versions: (registry, args) => {
    const model = registry.model(requireString(args, 'model_name'));
    return ok({ name: model.name, versions: model.versions.map((v) => versionView(v, model)) });
  },

  get_model_version: (registry, args) => {
    const name = requireString(args, 'model_name');
    const version = registry.version(name, requireVersion(args, 'version'));
    const run = version.run_id ? registry.runs.get(version.run_id) : undefined;
    return ok({ ...versionView(version, registry.model(name)), metrics: run ? latestMetrics(run) : {} });
  },

  get_model_version_by_alias: (registry, args) => {
    const model = registry.model(requireString(args, 'name'));
    const alias = requireString(args, 'alias');
    const target = model.aliases[alias];
    if (target === undefined) {
      const known = Object.keys(model.aliases).sort().join(', ') || 'none';
      throw new NotFoundError(`Registered model '${model.name}' has no alias '${alias}' (its aliases: ${known})`);
    }
    return ok(versionView(registry.version(model.name, target), model));
  },

  get_latest_versions: (registry, args) => {
    const model = registry.model(requireString(args, 'name'));
    const stages = optionalStringArray(args, 'stages')?.map((s, i) => parseStage(s, `stages[${i}]`));
    return ok({ name: model.name, versions: latestPerStage(model, stages).map((v) => versionView(v, model)) });
  },

  search_logged_models: (registry, args) => {
    const experimentIds = requireStringArray(args, 'experiment_ids');
    for (const id of experimentIds) registry.experiment(id);
    const clauses = parseFilter(optionalString(args, 'filter_string'), LOGGED_MODEL_FIELDS);
    const max = optionalInt(args, 'max_results', 5, 1, 1000);
    const onDatasets = datasetFilter(optionalObjectArray(args, 'datasets'));
    const orders = loggedModelOrder(optionalObjectArray(args, 'order_by'));
    const found = [...registry.loggedModels.values()].filter(
      (m) => experimentIds.includes(m.experiment_id) && onDatasets(m) && matchesFilter(m, clauses, loggedModelField),
    );
    const sorted = sortItems(found, orders, loggedModelField);
    return ok({ total: sorted.length, models: sorted.slice(0, max).map(loggedModelView) });
  },

  get_logged_model: (registry, args) => ok(loggedModelView(registry.loggedModel(requireString(args, 'model_id')))),
};
