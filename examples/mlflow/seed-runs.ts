// The seeded runs as data, plus the stable ids and seeded randomness the seed shares. Three
// experiments' worth: a fraud sweep with nested runs, churn models (one failed), forecasters (one running).
import { stableHex } from './registry.js';
import type { RunStatus } from './registry.js';
import { classifierReport, featureImportance, forecastSample, sweepNotes } from './seed-artifacts.js';
import type { Flavor } from './seed-artifacts.js';

// 2025-03-03T09:00:00Z, the demo's "Monday morning": every seeded time is an offset from it.
export const SEED_EPOCH = Date.UTC(2025, 2, 3, 9, 0, 0);

export interface RunSpec {
  experimentId: string;
  name: string;
  user: string;
  startHours: number;
  minutes: number;
  status?: RunStatus;
  flavor?: Flavor;
  parent?: string;
  params: Record<string, string | number>;
  // Evaluation metrics: logged once, at the end of the run.
  metrics?: Record<string, number>;
  // Training curves: logged every epoch, converging to the given final value.
  curves?: Record<string, number>;
  epochs?: number;
  tags?: Record<string, string>;
  artifacts?: Record<string, string>;
}

export function runIdFor(experimentId: string, name: string): string {
  return stableHex(`run/${experimentId}/${name}`);
}

export function modelIdFor(runId: string): string {
  return `m-${stableHex(`logged-model/${runId}`)}`;
}

// mulberry32: a tiny seeded generator, so curves look noisy yet are identical on every start.
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FRAUD_FEATURES: Array<[string, number]> = [
  ['amount_zscore', 0.2841],
  ['merchant_risk', 0.1932],
  ['card_age_days', 0.1377],
  ['txn_velocity_1h', 0.1204],
  ['country_mismatch', 0.0911],
];
const fraud = { experimentId: '1', user: 'priya.n' };
const churn = { experimentId: '2', user: 'marco.r' };
const demand = { experimentId: '3', user: 'lena.k' };
const noise = seededRandom(42);

export const RUN_SPECS: RunSpec[] = [
  {
    ...fraud, name: 'logreg-baseline', startHours: 2, minutes: 6, flavor: 'sklearn',
    params: { model_type: 'logistic_regression', C: 1.0, penalty: 'l2', class_weight: 'balanced', max_iter: 500 },
    metrics: { accuracy: 0.942, auc: 0.871, precision: 0.61, recall: 0.58, f1: 0.595 },
    tags: { candidate: 'false', dataset: 'txns-2025-02' },
    artifacts: classifierReport(0.61, 0.58, 1200, 60000),
  },
  {
    ...fraud, name: 'xgb-sweep', startHours: 26, minutes: 95,
    params: { model_type: 'xgboost', search: 'grid', n_trials: 3, objective: 'binary:logistic' },
    metrics: { best_auc: 0.962 },
    tags: { sweep: 'depth-grid', dataset: 'txns-2025-02' },
    artifacts: sweepNotes('max_depth sweep', ['depth 6 wins on AUC and F1', 'depth 8 overfits: train loss keeps falling, validation does not']),
  },
  {
    ...fraud, name: 'xgb-depth-4', parent: 'xgb-sweep', startHours: 26.1, minutes: 28, epochs: 10, flavor: 'xgboost',
    params: { model_type: 'xgboost', max_depth: 4, learning_rate: 0.1, n_estimators: 300, subsample: 0.8 },
    curves: { train_logloss: 0.081, val_logloss: 0.094 },
    metrics: { accuracy: 0.978, auc: 0.951, precision: 0.82, recall: 0.71, f1: 0.761 },
    tags: { candidate: 'false', dataset: 'txns-2025-02' },
    artifacts: { ...classifierReport(0.82, 0.71, 1200, 60000), ...featureImportance(FRAUD_FEATURES) },
  },
  {
    ...fraud, name: 'xgb-depth-6', parent: 'xgb-sweep', startHours: 26.6, minutes: 31, epochs: 10, flavor: 'xgboost',
    params: { model_type: 'xgboost', max_depth: 6, learning_rate: 0.08, n_estimators: 400, subsample: 0.8 },
    curves: { train_logloss: 0.062, val_logloss: 0.083 },
    metrics: { accuracy: 0.983, auc: 0.962, precision: 0.86, recall: 0.74, f1: 0.795 },
    tags: { candidate: 'true', dataset: 'txns-2025-02' },
    artifacts: { ...classifierReport(0.86, 0.74, 1200, 60000), ...featureImportance(FRAUD_FEATURES) },
  },
  {
    ...fraud, name: 'xgb-depth-8', parent: 'xgb-sweep', startHours: 27.2, minutes: 36, epochs: 10, flavor: 'xgboost',
    params: { model_type: 'xgboost', max_depth: 8, learning_rate: 0.08, n_estimators: 400, subsample: 0.8 },
    curves: { train_logloss: 0.041, val_logloss: 0.091 },
    metrics: { accuracy: 0.98, auc: 0.955, precision: 0.84, recall: 0.7, f1: 0.764 },
    tags: { candidate: 'false', dataset: 'txns-2025-02', 'mlflow.note.content': 'Overfits after round 250.' },
    artifacts: classifierReport(0.84, 0.7, 1200, 60000),
  },
  {
    ...churn, name: 'lgbm-v1', startHours: 50, minutes: 14, epochs: 8, flavor: 'lightgbm',
    params: { model_type: 'lightgbm', num_leaves: 31, learning_rate: 0.05, feature_fraction: 0.9, n_estimators: 500 },
    curves: { train_loss: 0.301, val_loss: 0.342 },
    metrics: { accuracy: 0.861, auc: 0.874, precision: 0.71, recall: 0.62, f1: 0.662 },
    tags: { candidate: 'false', dataset: 'subscribers-q4' },
  },
  {
    ...churn, name: 'lgbm-v2-tuned', startHours: 73, minutes: 22, epochs: 8, flavor: 'lightgbm',
    params: { model_type: 'lightgbm', num_leaves: 63, learning_rate: 0.03, feature_fraction: 0.8, n_estimators: 900 },
    curves: { train_loss: 0.274, val_loss: 0.318 },
    metrics: { accuracy: 0.872, auc: 0.889, precision: 0.73, recall: 0.66, f1: 0.693 },
    tags: { candidate: 'true', dataset: 'subscribers-q4' },
  },
  {
    ...churn, name: 'random-forest', startHours: 75, minutes: 11, flavor: 'sklearn',
    params: { model_type: 'random_forest', n_estimators: 300, max_depth: 12, min_samples_leaf: 5 },
    metrics: { accuracy: 0.848, auc: 0.851, precision: 0.69, recall: 0.55, f1: 0.612 },
    tags: { candidate: 'false', dataset: 'subscribers-q4' },
  },
  {
    ...churn, name: 'catboost-trial', startHours: 77, minutes: 48, epochs: 3, status: 'FAILED',
    params: { model_type: 'catboost', depth: 8, learning_rate: 0.05, iterations: 2000 },
    curves: { train_loss: 0.41 },
    tags: { dataset: 'subscribers-q4', 'mlflow.note.content': 'Worker ran out of memory after epoch 3.' },
  },
  {
    ...demand, name: 'prophet-weekly', startHours: 98, minutes: 9, flavor: 'prophet',
    params: { model_type: 'prophet', seasonality_mode: 'multiplicative', changepoint_prior_scale: 0.05, weekly_seasonality: 'true' },
    metrics: { mape: 0.112, rmse: 41.3, mae: 30.2 },
    tags: { candidate: 'false', warehouse: 'ams-1' },
    artifacts: forecastSample(420, noise),
  },
  {
    ...demand, name: 'lstm-48h', startHours: 121, minutes: 64, epochs: 12, flavor: 'pytorch',
    params: { model_type: 'lstm', hidden_size: 128, num_layers: 2, lookback_hours: 48, dropout: 0.2, lr: 0.001 },
    curves: { 'train/loss': 0.0214, 'val/loss': 0.0262 },
    metrics: { mape: 0.094, rmse: 36.8, mae: 27.1 },
    tags: { candidate: 'true', warehouse: 'ams-1' },
    artifacts: forecastSample(418, noise),
  },
  {
    ...demand, name: 'lstm-96h', startHours: 145, minutes: 40, epochs: 6, status: 'RUNNING',
    params: { model_type: 'lstm', hidden_size: 128, num_layers: 2, lookback_hours: 96, dropout: 0.2, lr: 0.001 },
    curves: { 'train/loss': 0.0231, 'val/loss': 0.0279 },
    tags: { warehouse: 'ams-1' },
  },
];
