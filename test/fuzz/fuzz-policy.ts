// The policies the fuzz runs under, and the check of a counting server's call log against them:
// the only tools that may reach the server are allowed ones, and a limited one never past its max.

export interface PolicyExpectation {
  policy: Record<string, unknown>;
  /** Tools that must never be listed. */
  hidden: ReadonlySet<string>;
  /** Tools that may appear in the call log at all. */
  allowed: ReadonlySet<string>;
  /** Shared budgets: the tools that count against each, and its max. */
  budgets: ReadonlyArray<{ tools: readonly string[]; max: number }>;
}

const DAY = 86_400;

/** `default: allow`: near-miss names are forwarded, so the server's exact matching is exercised too. */
export const ALLOW_BY_DEFAULT: PolicyExpectation = {
  policy: {
    version: '1',
    default: 'allow',
    hide: ['delete_everything', 'crash'],
    tools: {
      transfer: { action: 'deny', reason: 'no transfers' },
      write_data: { action: 'deny' },
      slow: { action: 'deny' },
      reset: { action: 'deny' },
      count: { rate_limit: { max: 20, window: DAY } },
      spend: { limits: [{ counter: 'budget', window: DAY, max: 15, scope: 'server' }] },
      fail: { limits: [{ counter: 'budget', window: DAY, max: 15, scope: 'server' }] },
    },
  },
  hidden: new Set(['delete_everything', 'crash']),
  allowed: new Set(['echo', 'read_data', 'stats', 'count', 'spend', 'fail']),
  budgets: [{ tools: ['count'], max: 20 }, { tools: ['spend', 'fail'], max: 15 }],
};

/** `default: deny`: only what is listed passes. */
export const DENY_BY_DEFAULT: PolicyExpectation = {
  policy: {
    version: '1',
    default: 'deny',
    hide: ['delete_everything'],
    tools: { echo: {}, count: { rate_limit: { max: 10, window: DAY } } },
  },
  hidden: new Set(['delete_everything']),
  allowed: new Set(['echo', 'count']),
  budgets: [{ tools: ['count'], max: 10 }],
};

/** Every tool of the counting server, the names the generators start from. */
export const SERVER_TOOLS = ['count', 'spend', 'echo', 'slow', 'fail', 'crash', 'stats', 'reset', 'delete_everything', 'read_data', 'write_data', 'transfer'];

/** Calls in `logLines` the policy forbids: a tool not allowed, or calls past a budget's max. */
export function forbiddenCalls(logLines: readonly string[], expectation: PolicyExpectation): { count: number; tools: Record<string, number> } {
  const tools: Record<string, number> = {};
  for (const tool of logLines) tools[tool] = (tools[tool] ?? 0) + 1;
  let count = 0;
  for (const [tool, n] of Object.entries(tools)) if (!expectation.allowed.has(tool)) count += n;
  for (const budget of expectation.budgets) {
    const used = budget.tools.reduce((sum, tool) => sum + (tools[tool] ?? 0), 0);
    count += Math.max(0, used - budget.max);
  }
  return { count, tools };
}
