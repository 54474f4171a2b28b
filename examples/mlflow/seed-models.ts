// Seeds the model side of the demo: a logged model for every finished run that saved one, and three
// registered models whose versions, stages and aliases tell a plausible promotion story.
import { latestMetric, stableHex } from './registry.js';
import type { Registry, Run, Stage } from './registry.js';
import { modelIdFor, runIdFor } from './seed-runs.js';

const HOUR = 3_600_000;

interface RegisteredSpec {
  name: string;
  description: string;
  tags: Record<string, string>;
  experimentId: string;
  versions: Array<{ run: string; stage: Stage; description: string }>;
  aliases: Record<string, string>;
}

const REGISTERED: RegisteredSpec[] = [
  {
    name: 'fraud-detector',
    description: 'Scores card-not-present transactions; served by the payments risk API.',
    tags: { task: 'classification', owner: 'risk-ml', library: 'xgboost' },
    experimentId: '1',
    versions: [
      { run: 'logreg-baseline', stage: 'Archived', description: 'Logistic regression baseline.' },
      { run: 'xgb-depth-4', stage: 'Production', description: 'XGBoost, depth 4: first gradient-boosted release.' },
      { run: 'xgb-depth-6', stage: 'Staging', description: 'XGBoost, depth 6: best AUC of the depth sweep.' },
    ],
    aliases: { champion: '2', challenger: '3' },
  },
  {
    name: 'churn-model',
    description: 'Predicts 90-day subscriber churn for the retention campaigns.',
    tags: { task: 'classification', owner: 'growth-ds', library: 'lightgbm' },
    experimentId: '2',
    versions: [
      { run: 'lgbm-v1', stage: 'Production', description: 'LightGBM, 31 leaves.' },
      { run: 'lgbm-v2-tuned', stage: 'None', description: 'LightGBM, 63 leaves, tuned learning rate.' },
    ],
    aliases: { champion: '1', candidate: '2' },
  },
  {
    name: 'demand-forecaster',
    description: 'Hourly demand per warehouse, feeding replenishment.',
    tags: { task: 'forecasting', owner: 'supply-chain', library: 'pytorch' },
    experimentId: '3',
    versions: [
      { run: 'prophet-weekly', stage: 'Production', description: 'Prophet with weekly seasonality.' },
      { run: 'lstm-48h', stage: 'Staging', description: 'LSTM over a 48-hour lookback.' },
    ],
    aliases: { champion: '1', challenger: '2' },
  },
];

function addLoggedModel(registry: Registry, run: Run): void {
  const modelId = modelIdFor(run.info.run_id);
  const dataset = run.tags.dataset ?? run.tags.warehouse ?? 'holdout';
  const digest = stableHex(`dataset/${dataset}`, 8);
  const metrics = Object.entries(run.metricHistory)
    .filter(([, history]) => history.length === 1)
    .map(([key, history]) => ({
      key,
      value: latestMetric(history) ?? 0,
      step: 0,
      dataset_name: `${dataset}-validation`,
      dataset_digest: digest,
    }));
  registry.loggedModels.set(modelId, {
    model_id: modelId,
    name: `${run.info.run_name}-model`,
    experiment_id: run.info.experiment_id,
    source_run_id: run.info.run_id,
    creation_timestamp: run.info.end_time ?? run.info.start_time,
    status: 'READY',
    artifact_location: `mlflow-artifacts:/${run.info.experiment_id}/models/${modelId}/artifacts`,
    tags: { 'mlflow.user': run.info.user_id, 'mlflow.source.run_name': run.info.run_name },
    params: { ...run.params },
    metrics,
  });
}

export function seedModels(registry: Registry): void {
  for (const run of registry.runs.values()) {
    if (run.info.status === 'FINISHED' && run.artifacts['model/MLmodel'] !== undefined) addLoggedModel(registry, run);
  }
  for (const spec of REGISTERED) {
    const firstRun = registry.run(runIdFor(spec.experimentId, spec.versions[0]?.run ?? ''));
    const model = registry.createModel(spec.name, (firstRun.info.end_time ?? 0) + HOUR);
    model.description = spec.description;
    model.tags = { ...spec.tags };
    for (const entry of spec.versions) {
      const run = registry.run(runIdFor(spec.experimentId, entry.run));
      const modelId = modelIdFor(run.info.run_id);
      const created = (run.info.end_time ?? run.info.start_time) + 2 * HOUR;
      registry.addVersion(model, {
        creation_timestamp: created,
        last_updated_timestamp: created,
        current_stage: entry.stage,
        description: entry.description,
        source: `models:/${modelId}`,
        run_id: run.info.run_id,
        model_id: modelId,
        status: 'READY',
        tags: { validated_by: run.info.user_id },
      });
    }
    model.aliases = { ...spec.aliases };
  }
}
