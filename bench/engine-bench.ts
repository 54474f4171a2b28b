// The policy engine alone, in this process on one thread: decisions per second for a 40-tool
// policy with limits and conditions, fed varied calls (no memo hit) and a repeated one (memo hit).
import { MLFLOW_TOOL_NAMES } from '../examples/mlflow/tool-definitions.js';
import { createPolicyEngine } from '../src/policy/engine.js';
import type { CallFacts, Decision } from '../src/policy/types.js';
import { validatePolicy } from '../src/policy/validate-policy.js';

export interface EngineScenarioResult {
  name: string;
  description: string;
  decisionsPerSecond: number;
  /** Per-sample rates, to show the spread. */
  samples: number[];
  /** How the decisions of one pass over the inputs came out (allow / deny / approval / hidden). */
  mix: Record<string, number>;
}

export interface EngineBenchResult {
  tools: number;
  policySummary: string;
  scenarios: EngineScenarioResult[];
}

const SERVER = 'mlflow';

/** A realistic policy: every tool limited, a `*` entry counted for everyone, conditions on a fifth each. */
export function buildBenchPolicyDocument(tools: readonly string[]): Record<string, unknown> {
  const entries: Record<string, unknown> = {
    '*': { limits: [{ counter: 'all_calls', window: 'second', max: 1_000_000_000, scope: 'server' }] },
  };
  tools.forEach((tool, i) => {
    const limits: Record<string, unknown>[] = [{ counter: `${tool}_rate`, window: 'minute', max: 1_000_000, scope: i % 3 === 1 ? 'session' : 'grant' }];
    const entry: Record<string, unknown> = { limits };
    if (i % 4 === 1) limits.push({ counter: 'shared_hourly', window: 'hour', max: 1_000_000, scope: 'server' });
    if (i % 5 === 0) entry['require'] = [{ path: 'args.max_results', op: 'lte', value: 1000 }];
    if (i % 5 === 1) entry['deny_if'] = [{ path: 'args.name', op: 'contains', value: 'prod' }];
    if (i % 5 === 2) limits.push({ counter: 'spend', window: 3600, max: 1e12, scope: 'grant', increment_from: 'args.amount' });
    if (i % 5 === 3) entry['approve_if'] = [{ path: 'args.amount', op: 'gt', value: 990 }];
    if (i % 5 === 4) entry['require'] = [{ path: 'args.run_id', op: 'regex', value: '^[a-f0-9]{8,32}$' }];
    entries[tool] = entry;
  });
  return { version: '1', default: 'deny', tools: entries };
}

/** A small deterministic generator, so every run judges the same calls. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x1_0000_0000;
  };
}

function variedFacts(tools: readonly string[], count: number): CallFacts[] {
  const random = lcg(42);
  const facts: CallFacts[] = [];
  for (let i = 0; i < count; i++) {
    // About 3 in 100 calls name a tool the policy does not list (denied by default).
    const tool = random() < 0.03 ? `unlisted_${i % 7}` : tools[Math.floor(random() * tools.length)]!;
    const grant = Math.floor(random() * 64);
    facts.push({
      server: SERVER,
      tool,
      args: {
        run_id: random() < 0.97 ? Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0') : 'NOT-HEX',
        experiment_id: String(Math.floor(random() * 1000)),
        max_results: Math.floor(random() * 1100),
        name: random() < 0.05 ? 'prod-model' : `model-${i % 97}`,
        amount: Math.round(random() * 1000 * 100) / 100,
        filter_string: `tags.owner = 'team-${i % 13}'`,
      },
      grantId: `grt_${grant.toString(36).padStart(16, '0')}`,
      sessionId: `session-${grant}-${Math.floor(random() * 4)}`,
    });
  }
  return facts;
}

function oneAgent(facts: readonly CallFacts[]): CallFacts[] {
  return facts.map((fact) => ({ ...fact, grantId: 'grt_0000000000000001', sessionId: 'session-1' }));
}

function tally(engine: { decide(facts: CallFacts): Decision }, inputs: readonly CallFacts[]): Record<string, number> {
  const mix: Record<string, number> = {};
  for (const facts of inputs) {
    const kind = engine.decide(facts).kind;
    mix[kind] = (mix[kind] ?? 0) + 1;
  }
  return mix;
}

function runScenario(name: string, description: string, inputs: readonly CallFacts[], sampleMs: number, samples: number): EngineScenarioResult {
  const validation = validatePolicy(buildBenchPolicyDocument(MLFLOW_TOOL_NAMES));
  if (!validation.policy) throw new Error(`bench policy is invalid: ${JSON.stringify(validation.errors)}`);
  // A fresh engine per scenario, so one scenario's memo cannot help the next.
  const engine = createPolicyEngine(validation.policy, SERVER);
  const mask = inputs.length - 1;
  if ((inputs.length & mask) !== 0) throw new Error('input count must be a power of two');
  let sink = 0;
  let index = 0;
  const measure = (ms: number): number => {
    const start = process.hrtime.bigint();
    const end = start + BigInt(Math.round(ms * 1e6));
    let done = 0;
    let now = start;
    while (now < end) {
      for (let i = 0; i < 4096; i++) {
        sink += engine.decide(inputs[index & mask]!).kind.length;
        index++;
      }
      done += 4096;
      now = process.hrtime.bigint();
    }
    return done / (Number(now - start) / 1e9);
  };
  measure(Math.min(300, sampleMs)); // warm-up: let the JIT settle
  const rates: number[] = [];
  for (let s = 0; s < samples; s++) rates.push(measure(sampleMs));
  if (sink === -1) console.log(sink); // keeps the loop's result observable
  const sorted = [...rates].sort((a, b) => a - b);
  return {
    name,
    description,
    decisionsPerSecond: sorted[Math.floor(sorted.length / 2)]!,
    samples: rates,
    mix: tally(engine, inputs),
  };
}

export function runEngineBench(options: { sampleMs: number; samples: number }): EngineBenchResult {
  const tools = MLFLOW_TOOL_NAMES.slice(0, 40);
  const varied = variedFacts(tools, 8192);
  // get_experiment_metrics has an approve_if (amount > 990) that does not hold here: conditions, then the memo.
  const single: CallFacts = {
    server: SERVER,
    tool: 'get_experiment_metrics',
    args: { experiment_id: '7', amount: 12.5 },
    grantId: 'grt_0000000000000001',
    sessionId: 'session-1',
  };
  const { sampleMs, samples } = options;
  return {
    tools: tools.length,
    policySummary:
      'default deny; 40 tools (the demo MLflow server\'s), each with a per-minute limit (grant or session scope), plus a "*" per-second ' +
      'server limit on every call; 1 tool in 4 shares an hourly server counter; 1 in 5 each: require (lte), deny_if (contains), ' +
      'a spend cap (increment_from, sliding 1 h), approve_if (gt), require (regex)',
    scenarios: [
      runScenario('varied', '8192 precomputed calls: random tool (3% unlisted), args, 64 grants x 4 sessions: the per-agent memo almost never hits', varied, sampleMs, samples),
      runScenario('varied-one-agent', 'the same 8192 calls from one grant and session: the memo serves every allow of a tool without a spend cap once that tool was seen', oneAgent(varied), sampleMs, samples),
      runScenario('single-tool', 'one allowed call (get_experiment_metrics, same args, grant and session) repeated: its approve_if is evaluated, then the memo answers', [single], sampleMs, samples),
    ],
  };
}
