// Reads and validates the policy a server's config points to; every problem is reported with its
// path, and nothing half-valid is ever returned.
import type { PolicySource } from '../config/gateway-config.js';
import { readPolicyFile } from '../policy/read-policy-file.js';
import type { Policy } from '../policy/types.js';
import { validatePolicy, type PolicyIssue } from '../policy/validate-policy.js';

export type PolicyLoad =
  | { kind: 'ok'; policy: Policy; warnings: readonly PolicyIssue[] }
  | { kind: 'invalid'; source: string; errors: readonly PolicyIssue[] };

export async function loadServerPolicy(source: PolicySource): Promise<PolicyLoad> {
  const where = source.kind === 'file' ? source.path : 'inline policy';
  let raw: unknown;
  if (source.kind === 'file') {
    try {
      raw = await readPolicyFile(source.path);
    } catch (error) {
      return { kind: 'invalid', source: where, errors: [{ path: '(file)', message: (error as Error).message }] };
    }
  } else {
    raw = source.document;
  }
  const result = validatePolicy(raw);
  if (!result.policy || result.errors.length > 0) return { kind: 'invalid', source: where, errors: result.errors };
  return { kind: 'ok', policy: result.policy, warnings: result.warnings };
}

export function describeIssues(issues: readonly PolicyIssue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
}
