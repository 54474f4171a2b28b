// The demo's deterministic seed: four experiments, twelve runs (params, metric histories, tags,
// text artifacts, a parent sweep with nested runs), then the models of seed-models.ts.
import { PARENT_RUN_TAG, Registry } from './registry.js';
import type { MetricPoint } from './registry.js';
import { modelArtifacts } from './seed-artifacts.js';
import { seedModels } from './seed-models.js';
import { modelIdFor, RUN_SPECS, runIdFor, SEED_EPOCH, seededRandom } from './seed-runs.js';
import type { RunSpec } from './seed-runs.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface CurveSpan {
  epochs: number;
  start: number;
  end: number;
}

// Errors and losses fall towards their final value; scores rise towards it.
function curve(key: string, final: number, span: CurveSpan, random: () => number): MetricPoint[] {
  const falling = /loss|rmse|mae|mape|error/i.test(key);
  const first = falling ? final * 2.5 : final * 0.6;
  const points: MetricPoint[] = [];
  for (let step = 0; step < span.epochs; step += 1) {
    const decay = Math.exp(-(step + 1) / (span.epochs / 3));
    const jitter = (random() - 0.5) * 0.02 * final;
    const value = step === span.epochs - 1 ? final : final + (first - final) * decay + jitter;
    const timestamp = span.start + Math.round(((span.end - span.start) * (step + 1)) / span.epochs);
    points.push({ value: Number(value.toFixed(5)), step, timestamp });
  }
  return points;
}

function addRun(registry: Registry, spec: RunSpec, random: () => number): void {
  const runId = runIdFor(spec.experimentId, spec.name);
  const start = SEED_EPOCH + spec.startHours * HOUR;
  const end = start + spec.minutes * 60_000;
  const status = spec.status ?? 'FINISHED';
  const span = { epochs: spec.epochs ?? 1, start, end };
  const metricHistory: Record<string, MetricPoint[]> = {};
  for (const [key, final] of Object.entries(spec.curves ?? {})) {
    metricHistory[key] = curve(key, final, span, random);
  }
  for (const [key, value] of Object.entries(spec.metrics ?? {})) {
    metricHistory[key] = [{ value, step: span.epochs - 1, timestamp: end }];
  }
  const tags: Record<string, string> = {
    'mlflow.runName': spec.name,
    'mlflow.user': spec.user,
    'mlflow.source.type': 'JOB',
    ...spec.tags,
  };
  if (spec.parent) tags[PARENT_RUN_TAG] = runIdFor(spec.experimentId, spec.parent);
  const artifacts = { ...spec.artifacts };
  if (spec.flavor) Object.assign(artifacts, modelArtifacts(spec.flavor, runId, modelIdFor(runId)));
  registry.runs.set(runId, {
    info: {
      run_id: runId,
      run_name: spec.name,
      experiment_id: spec.experimentId,
      user_id: spec.user,
      status,
      start_time: start,
      end_time: status === 'RUNNING' ? null : end,
      artifact_uri: `mlflow-artifacts:/${spec.experimentId}/${runId}/artifacts`,
      lifecycle_stage: 'active',
    },
    params: Object.fromEntries(Object.entries(spec.params).map(([k, v]) => [k, String(v)])),
    tags,
    metricHistory,
    artifacts,
  });
}

const EXPERIMENTS: Array<{ name: string; tags: Record<string, string> }> = [
  { name: 'Default', tags: {} },
  {
    name: 'fraud-detection',
    tags: { owner: 'risk-ml', team: 'payments', phase: 'production', 'mlflow.note.content': 'Card-not-present fraud scoring.' },
  },
  {
    name: 'churn-prediction',
    tags: { owner: 'growth-ds', team: 'crm', phase: 'experimentation', 'mlflow.note.content': '90-day subscriber churn.' },
  },
  {
    name: 'demand-forecast',
    tags: { owner: 'supply-chain', team: 'planning', phase: 'research', 'mlflow.note.content': 'Hourly demand per warehouse.' },
  },
];

// Builds a fresh registry holding the seed. `now` stamps later writes; the seed itself is fixed.
export function createSeededRegistry(now: () => number = Date.now): Registry {
  const registry = new Registry(now);
  EXPERIMENTS.forEach((spec, index) => {
    const id = String(index);
    const created = SEED_EPOCH - (EXPERIMENTS.length - index) * DAY;
    registry.experiments.set(id, {
      experiment_id: id,
      name: spec.name,
      artifact_location: `mlflow-artifacts:/${id}`,
      lifecycle_stage: 'active',
      creation_time: created,
      last_update_time: created + 9 * DAY + index * HOUR,
      tags: { ...spec.tags },
    });
  });
  const random = seededRandom(20250303);
  for (const spec of RUN_SPECS) addRun(registry, spec, random);
  seedModels(registry);
  return registry;
}
