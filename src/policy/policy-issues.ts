// Shared helpers of policy validation: the issue collector, path spelling, unknown-key checks.
// Validation never throws: every problem becomes an issue with the exact path where it stands.

export interface PolicyIssue {
  /** Where in the file, e.g. `tools.send_payment.limits[0].window`; `(root)` for the document. */
  path: string;
  message: string;
}

export interface IssueCollector {
  readonly errors: PolicyIssue[];
  readonly warnings: PolicyIssue[];
  error(path: string, message: string): void;
  warn(path: string, message: string): void;
}

export function createIssueCollector(): IssueCollector {
  const errors: PolicyIssue[] = [];
  const warnings: PolicyIssue[] = [];
  return {
    errors,
    warnings,
    error: (path, message) => void errors.push({ path, message }),
    warn: (path, message) => void warnings.push({ path, message }),
  };
}

export const ROOT_PATH = '(root)';

const PLAIN_KEY = /^[A-Za-z0-9_*-]+$/;

/** `tools` + `send` → `tools.send`; names that would read ambiguously are quoted: `tools["a.b"]`. */
export function keyPath(parent: string, key: string): string {
  const child = PLAIN_KEY.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (parent === ROOT_PATH) return child;
  return child.startsWith('[') ? `${parent}${child}` : `${parent}.${child}`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** A short name for a JSON value's type, for messages that must not echo the value itself. */
export function describeType(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return value < 0 ? 'a negative number' : 'a number';
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

/** Lists the allowed keys as `"a", "b" or "c"`. */
export function quoteList(words: readonly string[], conjunction = 'or'): string {
  const quoted = words.map((word) => JSON.stringify(word));
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1]}`;
}

/** Unknown keys are errors: a misspelt `limit` must not silently drop a limit. */
export function checkKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
  issues: IssueCollector,
): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const guess = closestWord(key, allowed);
    const hint = guess === undefined ? `expected ${quoteList(allowed)}` : `did you mean "${guess}"?`;
    issues.error(keyPath(path, key), `unknown key; ${hint}`);
  }
}

function closestWord(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
