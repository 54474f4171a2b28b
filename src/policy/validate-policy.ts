// Turns a parsed policy document into the compiled `Policy`, or reports every error at once, each
// with its exact path. A policy is returned only when there is no error: a gateway never runs half
// of a policy.
import type { LimitRule, Policy, ToolEntry, WindowSpec } from './types.js';
import { validateToolEntry } from './validate-tool-entry.js';
import { validateClasses, validateDriftAction } from './validate-classes.js';
import {
  checkKeys,
  createIssueCollector,
  indexPath,
  keyPath,
  ROOT_PATH,
  type IssueCollector,
  type PolicyIssue,
} from './policy-issues.js';
import { isObject } from '../lib/is-object.js';

export type { PolicyIssue };

export interface PolicyValidation {
  /** Present only when `errors` is empty. */
  policy?: Policy;
  errors: PolicyIssue[];
  warnings: PolicyIssue[];
}

const TOP_KEYS = ['version', 'default', 'hide', 'tools', 'classes', 'on_change', 'on_new'];

export function validatePolicy(raw: unknown): PolicyValidation {
  const issues = createIssueCollector();
  if (!isObject(raw)) {
    issues.error(ROOT_PATH, 'must be an object with "version", "default" and "tools"');
    return { errors: issues.errors, warnings: issues.warnings };
  }
  checkKeys(raw, TOP_KEYS, ROOT_PATH, issues);
  validateVersion(raw['version'], issues);
  const defaultAction = validateDefault(raw['default'], issues);
  const hide = validateHide(raw['hide'], issues);
  const tools = validateTools(raw['tools'], issues);
  const classes = validateClasses(raw['classes'], issues);
  const onChange = validateDriftAction(raw['on_change'], 'on_change', issues);
  const onNew = validateDriftAction(raw['on_new'], 'on_new', issues);
  checkSharedCounters([...Object.values(tools), ...Object.values(classes)], issues);
  warnAboutHiddenEntries(hide, tools, issues);
  if (hide.includes('*') && Object.keys(classes).length > 0) {
    issues.warn('classes', 'has no effect: hide: ["*"] hides every tool not listed under "tools", which is every tool a class entry would judge');
  }
  if (issues.errors.length > 0 || defaultAction === undefined) {
    return { errors: issues.errors, warnings: issues.warnings };
  }
  const policy: Policy = { version: '1', default: defaultAction, hide, tools };
  if (Object.keys(classes).length > 0) policy.classes = classes;
  if (raw['on_change'] !== undefined) policy.onChange = onChange;
  if (raw['on_new'] !== undefined) policy.onNew = onNew;
  return { policy, errors: issues.errors, warnings: issues.warnings };
}

function validateVersion(raw: unknown, issues: IssueCollector): void {
  if (raw === '1') return;
  if (raw === undefined) issues.error('version', 'required; must be "1"');
  else if (raw === 1) issues.error('version', 'must be the string "1", not the number 1 (write "version": "1")');
  else issues.error('version', 'must be "1" (the only policy format version)');
}

function validateDefault(raw: unknown, issues: IssueCollector): 'allow' | 'deny' | undefined {
  if (raw === 'allow' || raw === 'deny') return raw;
  if (raw === undefined) {
    issues.warn('default', 'not set; calls to tools not listed under "tools" are denied');
    return 'deny';
  }
  issues.error('default', 'must be "allow" or "deny"');
  return undefined;
}

function validateHide(raw: unknown, issues: IssueCollector): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    issues.error('hide', 'must be an array of tool names (or "*" for every tool not listed under "tools")');
    return [];
  }
  const names: string[] = [];
  raw.forEach((name, index) => {
    if (typeof name === 'string' && name.length > 0) names.push(name);
    else issues.error(indexPath('hide', index), 'must be a non-empty tool name or "*"');
  });
  return names;
}

function validateTools(raw: unknown, issues: IssueCollector): Record<string, ToolEntry> {
  // A null-prototype record: a tool named "constructor" or "__proto__" is just a name.
  const tools: Record<string, ToolEntry> = Object.create(null) as Record<string, ToolEntry>;
  if (raw === undefined) return tools;
  if (!isObject(raw)) {
    issues.error('tools', 'must be an object mapping tool names to entries, e.g. {"get_status": {}}');
    return tools;
  }
  for (const [name, value] of Object.entries(raw)) {
    const path = keyPath('tools', name);
    if (name.trim().length === 0) {
      issues.error(path, 'tool name must not be empty');
      continue;
    }
    const entry = validateToolEntry(value, name, path, issues);
    if (entry) tools[name] = entry;
  }
  return tools;
}

/** A counter name is one budget wherever it appears, so its window and max must agree. */
function checkSharedCounters(entries: readonly ToolEntry[], issues: IssueCollector): void {
  const firstUse = new Map<string, LimitRule>();
  for (const entry of entries) {
    for (const limit of entry.limits) {
      // A class's rate_limit counts per tool: it shares no counter with anything.
      if (limit.perTool) continue;
      const first = firstUse.get(limit.counter);
      if (first === undefined) {
        firstUse.set(limit.counter, limit);
        continue;
      }
      if (!sameWindow(first.window, limit.window) || first.max !== limit.max) {
        issues.error(
          limit.rule,
          `counter "${limit.counter}" is also used at ${first.rule} with window ${describeWindow(first.window)} ` +
            `and max ${first.max}; a counter name is one shared budget, so every use must have the same window and max`,
        );
      } else if (first.scope !== limit.scope) {
        issues.warn(
          limit.rule,
          `counter "${limit.counter}" has scope "${limit.scope}" here but "${first.scope}" at ${first.rule}; ` +
            'different scopes count separately',
        );
      }
    }
  }
}

function sameWindow(a: WindowSpec, b: WindowSpec): boolean {
  if (a.kind === 'calendar') return b.kind === 'calendar' && a.unit === b.unit;
  return b.kind === 'sliding' && a.seconds === b.seconds;
}

function describeWindow(window: WindowSpec): string {
  return window.kind === 'calendar' ? `"${window.unit}"` : `${window.seconds}`;
}

function warnAboutHiddenEntries(hide: readonly string[], tools: Record<string, ToolEntry>, issues: IssueCollector): void {
  hide.forEach((name, index) => {
    if (name !== '*' && Object.hasOwn(tools, name)) {
      issues.warn(indexPath('hide', index), `"${name}" is also listed under "tools"; it is hidden, so its entry never applies`);
    }
  });
}
