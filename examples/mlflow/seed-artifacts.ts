// Text artifacts for the seeded runs (MLmodel files, requirements, evaluation reports), so the
// artifact tools return content that looks like what a real MLflow run stores.

export type Flavor = 'sklearn' | 'xgboost' | 'lightgbm' | 'prophet' | 'pytorch';

const FLAVOR_PACKAGES: Record<Flavor, string[]> = {
  sklearn: ['scikit-learn==1.4.2', 'numpy==1.26.4', 'pandas==2.2.1'],
  xgboost: ['xgboost==2.0.3', 'scikit-learn==1.4.2', 'numpy==1.26.4'],
  lightgbm: ['lightgbm==4.3.0', 'pandas==2.2.1', 'numpy==1.26.4'],
  prophet: ['prophet==1.1.5', 'pandas==2.2.1'],
  pytorch: ['torch==2.2.2', 'numpy==1.26.4', 'pandas==2.2.1'],
};

export function modelArtifacts(flavor: Flavor, runId: string, modelId: string): Record<string, string> {
  const packages = FLAVOR_PACKAGES[flavor];
  const mlmodel = [
    `artifact_path: model`,
    `flavors:`,
    `  python_function:`,
    `    env:`,
    `      virtualenv: python_env.yaml`,
    `    loader_module: mlflow.${flavor}`,
    `    python_version: 3.11.8`,
    `  ${flavor}:`,
    `    code: null`,
    `    ${flavor}_version: ${(packages[0] ?? '').split('==')[1] ?? 'unknown'}`,
    `mlflow_version: 2.19.0`,
    `model_id: ${modelId}`,
    `run_id: ${runId}`,
    `utc_time_created: '2025-03-04 10:12:44.120381'`,
  ].join('\n');
  return {
    'model/MLmodel': `${mlmodel}\n`,
    'model/requirements.txt': `mlflow==2.19.0\n${packages.join('\n')}\n`,
    'model/python_env.yaml': 'python: 3.11.8\nbuild_dependencies:\n- pip==24.0\ndependencies:\n- -r requirements.txt\n',
  };
}

export function classifierReport(precision: number, recall: number, positives: number, total: number): Record<string, string> {
  const truePositives = Math.round(positives * recall);
  const falseNegatives = positives - truePositives;
  const falsePositives = Math.round(truePositives / precision) - truePositives;
  const trueNegatives = total - positives - falsePositives;
  const matrix = {
    labels: ['legit', 'fraud'],
    matrix: [
      [trueNegatives, falsePositives],
      [falseNegatives, truePositives],
    ],
  };
  return {
    'eval/confusion_matrix.json': `${JSON.stringify(matrix, null, 2)}\n`,
    'eval/threshold.txt': 'decision_threshold=0.42\nselected_by=max_f1_on_validation\n',
  };
}

export function featureImportance(features: Array<[string, number]>): Record<string, string> {
  const rows = features.map(([name, gain]) => `${name},${gain.toFixed(4)}`);
  return { 'plots/feature_importance.csv': `feature,gain\n${rows.join('\n')}\n` };
}

export function forecastSample(base: number, noise: () => number): Record<string, string> {
  const rows: string[] = [];
  for (let day = 0; day < 7; day += 1) {
    const date = new Date(Date.UTC(2025, 2, 10 + day)).toISOString().slice(0, 10);
    const weekly = day >= 5 ? 1.25 : 1;
    const yhat = base * weekly;
    const spread = base * 0.08 * (1 + noise());
    rows.push(`${date},${yhat.toFixed(1)},${(yhat - spread).toFixed(1)},${(yhat + spread).toFixed(1)}`);
  }
  return { 'forecast/next_week.csv': `ds,yhat,yhat_lower,yhat_upper\n${rows.join('\n')}\n` };
}

export function sweepNotes(title: string, lines: string[]): Record<string, string> {
  return { 'notes.md': `# ${title}\n\n${lines.map((line) => `- ${line}`).join('\n')}\n` };
}
