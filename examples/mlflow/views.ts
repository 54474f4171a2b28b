// How registry entities look in tool results (close to MLflow's REST JSON, with maps instead of
// key/value lists), and how filters and order_by read their fields.
import type { Field, FieldSpec } from './filters.js';
import { latestMetric, latestMetrics, PARENT_RUN_TAG } from './registry.js';
import type { Experiment, LoggedModel, ModelVersion, RegisteredModel, Run, Stage } from './registry.js';

export const EXPERIMENT_FIELDS: FieldSpec = {
  kinds: ['tag', 'attribute'],
  attributes: ['name', 'experiment_id', 'creation_time', 'last_update_time'],
};
export const RUN_FIELDS: FieldSpec = {
  kinds: ['metric', 'param', 'tag', 'attribute'],
  attributes: ['run_id', 'run_name', 'status', 'start_time', 'end_time', 'user_id', 'artifact_uri'],
};
export const LOGGED_MODEL_FIELDS: FieldSpec = {
  kinds: ['metric', 'param', 'tag', 'attribute'],
  attributes: ['model_id', 'name', 'status', 'creation_time', 'creation_timestamp', 'source_run_id', 'experiment_id'],
};

export function experimentView(experiment: Experiment): Record<string, unknown> {
  return { ...experiment, tags: { ...experiment.tags } };
}

export function experimentField(experiment: Experiment, field: Field): string | number | undefined {
  if (field.kind === 'tag') return experiment.tags[field.key];
  switch (field.key) {
    case 'name': return experiment.name;
    case 'experiment_id': return experiment.experiment_id;
    case 'creation_time': return experiment.creation_time;
    case 'last_update_time': return experiment.last_update_time;
    default: return undefined;
  }
}

export function runView(run: Run): Record<string, unknown> {
  const parent = run.tags[PARENT_RUN_TAG];
  return {
    info: { ...run.info, ...(parent ? { parent_run_id: parent } : {}) },
    data: { metrics: latestMetrics(run), params: { ...run.params }, tags: { ...run.tags } },
  };
}

export function runField(run: Run, field: Field): string | number | undefined {
  switch (field.kind) {
    case 'metric': return latestMetric(run.metricHistory[field.key] ?? []);
    case 'param': return run.params[field.key];
    case 'tag': return run.tags[field.key];
    case 'attribute': {
      const value = run.info[field.key as keyof Run['info']];
      return value === null ? undefined : value;
    }
  }
}

export function versionView(version: ModelVersion, model: RegisteredModel): Record<string, unknown> {
  const aliases = Object.entries(model.aliases)
    .filter(([, target]) => target === version.version)
    .map(([alias]) => alias)
    .sort();
  return { ...version, tags: { ...version.tags }, aliases };
}

// Newest version per stage, the way MLflow's `latest_versions` reports them.
export function latestPerStage(model: RegisteredModel, stages?: readonly Stage[]): ModelVersion[] {
  const newest = new Map<Stage, ModelVersion>();
  for (const version of model.versions) {
    if (stages && !stages.includes(version.current_stage)) continue;
    const current = newest.get(version.current_stage);
    if (!current || Number(version.version) > Number(current.version)) newest.set(version.current_stage, version);
  }
  return [...newest.values()].sort((a, b) => Number(a.version) - Number(b.version));
}

export function modelSummary(model: RegisteredModel): Record<string, unknown> {
  return {
    name: model.name,
    creation_timestamp: model.creation_timestamp,
    last_updated_timestamp: model.last_updated_timestamp,
    description: model.description,
    tags: { ...model.tags },
    aliases: { ...model.aliases },
    latest_versions: latestPerStage(model).map((v) => versionView(v, model)),
  };
}

export function modelDetail(model: RegisteredModel): Record<string, unknown> {
  return { ...modelSummary(model), versions: model.versions.map((v) => versionView(v, model)) };
}

export function loggedModelView(model: LoggedModel): Record<string, unknown> {
  return { ...model, tags: { ...model.tags }, params: { ...model.params }, metrics: model.metrics.map((m) => ({ ...m })) };
}

export function loggedModelField(model: LoggedModel, field: Field): string | number | undefined {
  switch (field.kind) {
    case 'metric': return model.metrics.find((m) => m.key === field.key)?.value;
    case 'param': return model.params[field.key];
    case 'tag': return model.tags[field.key];
    case 'attribute': {
      const key = field.key === 'creation_time' ? 'creation_timestamp' : field.key;
      const value = model[key as keyof LoggedModel];
      return typeof value === 'string' || typeof value === 'number' ? value : undefined;
    }
  }
}
