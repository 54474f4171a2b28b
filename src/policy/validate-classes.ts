// Validates the class fields of a policy: `classes` (an entry per effect class, for tools with no
// entry of their own) and `on_change` / `on_new` (what to do with a changed or brand-new tool).
import { TOOL_CLASSES, type DriftAction, type ToolClass, type ToolEntry } from './types.js';
import { validateToolEntry } from './validate-tool-entry.js';
import { checkKeys, keyPath, quoteList, type IssueCollector } from './policy-issues.js';
import { isObject } from '../lib/is-object.js';

export type ClassEntries = Partial<Record<ToolClass, ToolEntry>>;

export function validateClasses(raw: unknown, issues: IssueCollector): ClassEntries {
  const classes: ClassEntries = {};
  if (raw === undefined) return classes;
  if (!isObject(raw)) {
    issues.error('classes', `must be an object mapping classes (${quoteList(TOOL_CLASSES)}) to entries, e.g. {"write": {"rate_limit": "30/minute"}}`);
    return classes;
  }
  // An unknown class name is an error with a suggestion (`classes.writes: unknown key; did you mean "write"?`).
  checkKeys(raw, TOOL_CLASSES, 'classes', issues);
  for (const [name, value] of Object.entries(raw)) {
    if (!(TOOL_CLASSES as readonly string[]).includes(name)) continue;
    const path = keyPath('classes', name);
    const entry = validateToolEntry(value, name, path, issues);
    if (entry) classes[name as ToolClass] = perToolRateLimit(entry, path);
  }
  return classes;
}

/** A class's `rate_limit` names no counter, so it counts per tool (`<tool>__rate_limit`): each write
 *  tool gets its own 30/minute, not one budget shared by all of them. */
function perToolRateLimit(entry: ToolEntry, path: string): ToolEntry {
  const rateRule = keyPath(path, 'rate_limit');
  return { ...entry, limits: entry.limits.map((limit) => (limit.rule === rateRule ? { ...limit, perTool: true } : limit)) };
}

export function validateDriftAction(raw: unknown, path: 'on_change' | 'on_new', issues: IssueCollector): DriftAction {
  if (raw === undefined) return 'allow';
  if (raw === 'allow' || raw === 'block') return raw;
  const what = path === 'on_change' ? 'a tool whose definition changed' : 'a tool that appears after the first listing';
  issues.error(path, `must be "allow" or "block" (what to do with ${what})`);
  return 'allow';
}
