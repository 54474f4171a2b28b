// How `classify` and `scan` show classifications: a table for people, and the JSON shapes.
import type { ToolClassification } from '../catalog/tool-types.js';
import { formatTable, printable } from './command-support.js';

/** `toolgate classify --json` entries: DESIGN.md's `{name, category, risk, confidence, reasons}`, plus flags. */
export function classificationSummary(item: ToolClassification): Pick<ToolClassification, 'name' | 'category' | 'risk' | 'confidence' | 'reasons' | 'flags'> {
  return { name: item.name, category: item.category, risk: item.risk, confidence: item.confidence, reasons: item.reasons, flags: item.flags };
}

const REASON_WIDTH = 70;

export function classificationTable(items: readonly ToolClassification[]): string {
  const rows = items.map((item) => [
    printable(item.name),
    item.category,
    item.risk,
    item.confidence.toFixed(2),
    clip(printable(item.reasons[0] ?? ''), REASON_WIDTH),
    item.flags.length === 0 ? '' : item.flags.map((flag) => flag.split(':')[0]).filter((kind, index, all) => all.indexOf(kind) === index).join(','),
  ]);
  return formatTable([['NAME', 'CATEGORY', 'RISK', 'CONFIDENCE', 'TOP REASON', 'FLAGS'], ...rows]);
}

/** Every flag in full, one per line, after the table (the table only names their kinds). */
export function flagLines(items: readonly ToolClassification[]): string {
  return items.flatMap((item) => item.flags.map((flag) => `flag: ${printable(item.name)}: ${printable(flag)}\n`)).join('');
}

export function categoryCounts(items: readonly ToolClassification[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.category, (counts.get(item.category) ?? 0) + 1);
  return ['read', 'write', 'execute', 'destructive', 'financial'].map((category) => `${counts.get(category) ?? 0} ${category}`).join(', ');
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
