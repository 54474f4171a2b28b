// Precision, recall and accuracy of the classifier over a labelled set, and a printable report.
import { classifyTools } from '../../src/catalog/classify-tool.js';
import { TOOL_CATEGORIES, type ToolCategory, type ToolClassification } from '../../src/catalog/tool-types.js';
import type { LabelledTool } from './labelled-support.js';

export interface CategoryFigures {
  category: ToolCategory;
  support: number;
  precision: number;
  recall: number;
}

export interface AccuracyReport {
  total: number;
  correct: number;
  accuracy: number;
  categories: CategoryFigures[];
  misses: Array<{ server: string; name: string; label: ToolCategory; got: ToolCategory; reason: string }>;
}

/** Classifies each tool with the other tools of its server (in the set) as siblings, as a scan would. */
export function classifyLabelled(set: readonly LabelledTool[], siblingsFrom: readonly LabelledTool[] = set): ToolClassification[] {
  const byServer = new Map<string, LabelledTool[]>();
  for (const item of siblingsFrom) byServer.set(item.server, [...(byServer.get(item.server) ?? []), item]);
  return set.map((item) => {
    const server = (byServer.get(item.server) ?? []).map((other) => other.tool);
    const all = server.some((tool) => tool.name === item.tool.name) ? server : [item.tool, ...server];
    const index = all.findIndex((tool) => tool.name === item.tool.name);
    const result = classifyTools(all)[index];
    if (!result) throw new Error(`no classification for ${item.tool.name}`);
    return result;
  });
}

export function measure(set: readonly LabelledTool[], siblingsFrom: readonly LabelledTool[] = set): AccuracyReport {
  const results = classifyLabelled(set, siblingsFrom);
  const misses: AccuracyReport['misses'] = [];
  let correct = 0;
  set.forEach((item, index) => {
    const got = results[index];
    if (!got) return;
    if (got.category === item.label) correct += 1;
    else misses.push({ server: item.server, name: item.tool.name, label: item.label, got: got.category, reason: got.reasons[0] ?? '' });
  });
  const categories = TOOL_CATEGORIES.map((category): CategoryFigures => {
    const predicted = results.filter((result) => result.category === category).length;
    const actual = set.filter((item) => item.label === category).length;
    const hits = set.filter((item, index) => item.label === category && results[index]?.category === category).length;
    return { category, support: actual, precision: predicted === 0 ? 1 : hits / predicted, recall: actual === 0 ? 1 : hits / actual };
  });
  return { total: set.length, correct, accuracy: set.length === 0 ? 1 : correct / set.length, categories, misses };
}

const pct = (value: number): string => `${(value * 100).toFixed(1)}%`;

export function formatReport(title: string, report: AccuracyReport): string {
  const lines = [`${title}: ${report.correct}/${report.total} correct, accuracy ${pct(report.accuracy)}`];
  for (const figures of report.categories) {
    lines.push(`  ${figures.category.padEnd(12)} n=${String(figures.support).padStart(3)}  precision ${pct(figures.precision).padStart(6)}  recall ${pct(figures.recall).padStart(6)}`);
  }
  for (const miss of report.misses) lines.push(`  miss: ${miss.server}/${miss.name}: labelled ${miss.label}, got ${miss.got} (${miss.reason})`);
  return lines.join('\n');
}
