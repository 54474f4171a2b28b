// The demo's in-memory MLflow: experiments, runs, registered models and logged models, plus the
// lookups the tool handlers share. Pure state, no MCP; seed.ts fills it with deterministic data.
import { createHash } from 'node:crypto';

export interface MetricPoint {
  value: number;
  step: number;
  timestamp: number;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time: number;
  last_update_time: number;
  tags: Record<string, string>;
}

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface RunInfo {
  run_id: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  artifact_uri: string;
  lifecycle_stage: 'active' | 'deleted';
}

export interface Run {
  info: RunInfo;
  params: Record<string, string>;
  // As in MLflow, a nested run names its parent in the `mlflow.parentRunId` tag.
  tags: Record<string, string>;
  metricHistory: Record<string, MetricPoint[]>;
  // Artifact path → text content; directories are implied by the paths.
  artifacts: Record<string, string>;
}

export type Stage = 'None' | 'Staging' | 'Production' | 'Archived';
export const STAGES: readonly Stage[] = ['None', 'Staging', 'Production', 'Archived'];

export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  current_stage: Stage;
  description: string;
  source: string;
  run_id: string | null;
  model_id: string | null;
  status: 'READY';
  tags: Record<string, string>;
}

export interface RegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description: string;
  tags: Record<string, string>;
  aliases: Record<string, string>;
  versions: ModelVersion[];
}

export interface LoggedModelMetric {
  key: string;
  value: number;
  step: number;
  dataset_name: string;
  dataset_digest: string;
}

export interface LoggedModel {
  model_id: string;
  name: string;
  experiment_id: string;
  source_run_id: string;
  creation_timestamp: number;
  status: 'READY';
  artifact_location: string;
  tags: Record<string, string>;
  params: Record<string, string>;
  metrics: LoggedModelMetric[];
}

// A lookup that found nothing: the handlers turn it into an `isError` result naming the entity.
export class NotFoundError extends Error {}

export const PARENT_RUN_TAG = 'mlflow.parentRunId';

// Stable ids from names, so the seed (and anything a user writes down from a demo) never changes.
export function stableHex(seed: string, length = 32): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

export class Registry {
  readonly experiments = new Map<string, Experiment>();
  readonly runs = new Map<string, Run>();
  readonly models = new Map<string, RegisteredModel>();
  readonly loggedModels = new Map<string, LoggedModel>();
  // Highest version number ever issued per model, so a deleted version's number is never reused.
  private readonly highestVersion = new Map<string, number>();

  constructor(readonly now: () => number = Date.now) {}

  experiment(id: string): Experiment {
    const found = this.experiments.get(id);
    if (!found) throw new NotFoundError(`Experiment with id '${id}' does not exist`);
    return found;
  }

  experimentByName(name: string): Experiment {
    for (const experiment of this.experiments.values()) {
      if (experiment.name === name) return experiment;
    }
    throw new NotFoundError(`Experiment with name '${name}' does not exist`);
  }

  activeExperiments(): Experiment[] {
    return [...this.experiments.values()].filter((e) => e.lifecycle_stage === 'active');
  }

  run(id: string): Run {
    const found = this.runs.get(id);
    if (!found) throw new NotFoundError(`Run with id '${id}' does not exist`);
    return found;
  }

  // Deleted runs stay fetchable by id (as in MLflow) but leave every listing and query.
  activeRuns(experimentId: string): Run[] {
    this.experiment(experimentId);
    return [...this.runs.values()].filter(
      (r) => r.info.experiment_id === experimentId && r.info.lifecycle_stage === 'active',
    );
  }

  model(name: string): RegisteredModel {
    const found = this.models.get(name);
    if (!found) throw new NotFoundError(`Registered model with name '${name}' does not exist`);
    return found;
  }

  version(name: string, version: string): ModelVersion {
    const found = this.model(name).versions.find((v) => v.version === version);
    if (!found) throw new NotFoundError(`Model version '${version}' of model '${name}' does not exist`);
    return found;
  }

  loggedModel(id: string): LoggedModel {
    const found = this.loggedModels.get(id);
    if (!found) throw new NotFoundError(`Logged model with id '${id}' does not exist`);
    return found;
  }

  deleteModel(name: string): void {
    this.model(name);
    this.models.delete(name);
    this.highestVersion.delete(name);
  }

  createModel(name: string, time = this.now()): RegisteredModel {
    const model: RegisteredModel = {
      name,
      creation_timestamp: time,
      last_updated_timestamp: time,
      description: '',
      tags: {},
      aliases: {},
      versions: [],
    };
    this.models.set(name, model);
    return model;
  }

  // Version numbers only grow, even after deletes, as in MLflow.
  addVersion(model: RegisteredModel, fields: Omit<ModelVersion, 'name' | 'version'>): ModelVersion {
    const next = (this.highestVersion.get(model.name) ?? 0) + 1;
    this.highestVersion.set(model.name, next);
    const version: ModelVersion = { name: model.name, version: String(next), ...fields };
    model.versions.push(version);
    model.last_updated_timestamp = fields.creation_timestamp;
    return version;
  }
}

export function latestMetric(history: MetricPoint[]): number | undefined {
  let latest: MetricPoint | undefined;
  for (const point of history) {
    if (!latest || point.step > latest.step || (point.step === latest.step && point.timestamp >= latest.timestamp)) {
      latest = point;
    }
  }
  return latest?.value;
}

export function latestMetrics(run: Run): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [key, history] of Object.entries(run.metricHistory)) {
    const value = latestMetric(history);
    if (value !== undefined) metrics[key] = value;
  }
  return metrics;
}
