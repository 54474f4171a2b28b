// Validates one `tools.<name>` entry (including `tools["*"]`) into a `ToolEntry`. The entry holds
// only the parts that validated; the caller uses it only when the whole policy has no error.
import type { LimitRule, ToolAction, ToolEntry } from './types.js';
import { parseDuration } from '../lib/durations.js';
import { validateConditionList } from './validate-conditions.js';
import { validateLimits, validateRateLimit } from './validate-limits.js';
import { checkKeys, keyPath, quoteList, type IssueCollector } from './policy-issues.js';
import { isObject } from '../lib/is-object.js';

const ENTRY_KEYS = [
  'action',
  'reason',
  'limits',
  'rate_limit',
  'require',
  'deny_if',
  'approve_if',
  'approval_timeout',
];
const ACTIONS: readonly ToolAction[] = ['allow', 'deny', 'require_approval'];
export const DEFAULT_APPROVAL_TIMEOUT = '10m';
const DEFAULT_APPROVAL_TIMEOUT_MS = 600_000;

export function validateToolEntry(
  raw: unknown,
  toolName: string,
  path: string,
  issues: IssueCollector,
): ToolEntry | undefined {
  if (!isObject(raw)) {
    issues.error(path, 'must be an object ({} allows the tool)');
    return undefined;
  }
  checkKeys(raw, ENTRY_KEYS, path, issues);
  const action = validateAction(raw['action'], keyPath(path, 'action'), issues);
  const reason = validateReason(raw['reason'], keyPath(path, 'reason'), issues);
  const limits: LimitRule[] = validateLimits(raw['limits'], keyPath(path, 'limits'), issues);
  const rateLimit = validateRateLimit(raw['rate_limit'], toolName, keyPath(path, 'rate_limit'), issues);
  if (rateLimit) limits.push(rateLimit);
  const entry: ToolEntry = {
    action: action ?? 'allow',
    limits,
    require: validateConditionList(raw['require'], keyPath(path, 'require'), issues),
    denyIf: validateConditionList(raw['deny_if'], keyPath(path, 'deny_if'), issues),
    approveIf: validateConditionList(raw['approve_if'], keyPath(path, 'approve_if'), issues),
    approvalTimeoutMs: validateApprovalTimeout(raw['approval_timeout'], keyPath(path, 'approval_timeout'), issues),
  };
  if (reason !== undefined) entry.reason = reason;
  warnAboutDeadKeys(raw, entry, path, issues);
  return entry;
}

function validateAction(raw: unknown, path: string, issues: IssueCollector): ToolAction | undefined {
  if (raw === undefined) return 'allow';
  if (typeof raw === 'string' && (ACTIONS as readonly string[]).includes(raw)) return raw as ToolAction;
  issues.error(path, `must be ${quoteList(ACTIONS)}`);
  return undefined;
}

function validateReason(raw: unknown, path: string, issues: IssueCollector): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && raw.trim().length > 0) return raw;
  issues.error(path, 'must be a non-empty string (the text the agent sees when this entry denies a call)');
  return undefined;
}

function validateApprovalTimeout(raw: unknown, path: string, issues: IssueCollector): number {
  if (raw === undefined) return DEFAULT_APPROVAL_TIMEOUT_MS;
  const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (ms !== undefined) return ms;
  issues.error(path, 'must be a duration such as "30s", "10m" or "1h"');
  return DEFAULT_APPROVAL_TIMEOUT_MS;
}

/** Keys that can never take effect are legal but almost certainly not what the author meant. */
function warnAboutDeadKeys(raw: Record<string, unknown>, entry: ToolEntry, path: string, issues: IssueCollector): void {
  if (entry.action !== 'deny') {
    const approvalPossible = entry.action === 'require_approval' || entry.approveIf.length > 0;
    if (raw['approval_timeout'] !== undefined && !approvalPossible) {
      issues.warn(
        keyPath(path, 'approval_timeout'),
        'has no effect: this entry never asks for approval (no "action": "require_approval" and no "approve_if")',
      );
    }
    return;
  }
  for (const key of ['limits', 'rate_limit', 'require', 'deny_if', 'approve_if', 'approval_timeout']) {
    if (raw[key] !== undefined) {
      issues.warn(keyPath(path, key), 'has no effect: "action": "deny" denies these calls before it is checked');
    }
  }
}
