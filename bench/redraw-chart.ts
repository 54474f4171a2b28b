// Redraws bench/results/latency.svg from a saved bench/results/latest.json, without measuring again:
// node dist/bench/redraw-chart.js [path/to/latest.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../test/helpers/paths.js';
import { latencyChartSvg } from './latency-chart.js';
import { CHART_FILE, chartInput, type BenchReport } from './report.js';

const file = process.argv[2] ?? join(REPO_ROOT, 'bench', 'results', 'latest.json');
const report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
const out = join(dirname(file), CHART_FILE);
writeFileSync(out, latencyChartSvg(chartInput(report)));
process.stdout.write(`Wrote ${out}\n`);
