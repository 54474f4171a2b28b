// The official MCP conformance suite (server mode), two releases of it, against two test servers,
// directly and through toolgate (`default: allow`, `auth: none` on loopback): the SDK-style server
// (it asks for sampling and elicitation with `server.request`, on the session's GET stream, the
// moment its tool is called, as the suite's own reference server does) over Streamable HTTP and
// stdio, and the dual-era server (legacy sessions and 2026-07-28 on one endpoint). Every scenario
// that passes directly must pass through the gateway. Prints passed/total for each run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CONFORMANCE_CLI,
  CONFORMANCE_NEXT_CLI,
  describeRun,
  ensureConformanceRunner,
  runConformanceSuite,
  type SuiteChoice,
  type SuiteRun,
} from '../helpers/conformance-suite.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { CONFORMANCE_SERVER } from '../helpers/paths.js';
import { startHttpFixture, type HttpFixture } from '../helpers/spawn-http-server.js';

const POLICY = { version: '1', default: 'allow' };
const CURRENT: SuiteChoice = { label: '0.1.16, all', cli: CONFORMANCE_CLI, suite: 'all' };
const NEXT: SuiteChoice = { label: '0.2.0-alpha.12, active', cli: CONFORMANCE_NEXT_CLI, suite: 'active' };
/** The 2026-07-28 scenarios: a modern client, against the server that has a modern side. */
const NEXT_MODERN: SuiteChoice = { label: '0.2.0-alpha.12, draft (2026-07-28)', cli: CONFORMANCE_NEXT_CLI, suite: 'draft' };

/** Scenarios that passed directly but not through the gateway, each with its failing checks. */
function regressions(direct: SuiteRun, through: SuiteRun): string[] {
  return direct.scenarios
    .filter((scenario) => direct.passed.has(scenario) && !through.passed.has(scenario))
    .map((scenario) => `${scenario}:\n    ${(through.failures.get(scenario) ?? ['did not run']).join('\n    ')}`);
}

interface Target {
  label: string;
  direct: () => string;
  /** [label, gateway server name] */
  through: ReadonlyArray<readonly [string, string]>;
  suites: readonly SuiteChoice[];
  /** Tools whose calls must show in the audit: the suite's calls really crossed the pipeline. */
  judged: readonly string[];
}

describe('official MCP conformance suite, directly and through toolgate', { timeout: 15 * 60_000 }, () => {
  let sdkStyle: HttpFixture;
  let dualEra: HttpFixture;
  let gateway: TestGateway;
  const figures: string[] = [];

  const TARGETS: Target[] = [
    {
      label: 'SDK-style test server',
      direct: () => sdkStyle.url,
      through: [['Streamable HTTP upstream', 'conformance'], ['stdio upstream', 'conformance-stdio']],
      suites: [CURRENT, NEXT],
      judged: ['test_simple_text', 'test_sampling', 'test_elicitation', 'test_tool_with_progress'],
    },
    {
      label: 'dual-era test server',
      direct: () => dualEra.url,
      through: [['Streamable HTTP upstream', 'conformance-dual']],
      suites: [CURRENT, NEXT, NEXT_MODERN],
      judged: ['test_simple_text', 'test_sampling', 'test_elicitation'],
    },
  ];

  before(async () => {
    await ensureConformanceRunner();
    sdkStyle = await startHttpFixture(process.execPath, [CONFORMANCE_SERVER, '--http', '0']);
    dualEra = await startHttpFixture(process.execPath, [CONFORMANCE_SERVER, '--dual-era', '--http', '0']);
    gateway = await startTestGateway({
      auth: 'none',
      store: 'memory',
      servers: {
        // `transport` and `era` left at their defaults (`auto`), as a user writes them.
        conformance: { url: sdkStyle.url, policy: POLICY },
        'conformance-stdio': { command: process.execPath, args: [CONFORMANCE_SERVER], policy: POLICY },
        'conformance-dual': { url: dualEra.url, policy: POLICY },
      },
    });
  });
  after(async () => {
    console.log(`conformance figures:\n${figures.map((line) => `  ${line}`).join('\n')}`);
    await gateway?.stop();
    await sdkStyle?.stop();
    await dualEra?.stop();
  });

  for (const target of TARGETS) {
    for (const choice of target.suites) {
      test(`${target.label}, suite ${choice.label}: every scenario that passes directly passes through toolgate`, async () => {
        const started = Date.now();
        const direct = await runConformanceSuite(target.direct(), choice);
        figures.push(`${target.label}, suite ${choice.label}, direct: ${describeRun(direct)}`);
        console.log(`conformance ${target.label}, suite ${choice.label}, direct: ${describeRun(direct)}`);
        assert.ok(direct.scenarios.length >= (choice === NEXT_MODERN ? 15 : 30), `the suite ran only ${direct.scenarios.length} scenarios:\n${direct.output}`);
        // The 2026-07-28 draft asks for tools the test server lacks (input_required ones): only
        // the legacy-wire suites must pass whole directly.
        if (choice !== NEXT_MODERN) assert.deepEqual([...direct.failures.entries()], [], `failing directly:\n${direct.output}`);
        for (const [label, server] of target.through) {
          const through = await runConformanceSuite(`${gateway.url}/mcp/${server}`, choice);
          figures.push(`${target.label}, suite ${choice.label}, through toolgate (${label}): ${describeRun(through)}`);
          console.log(`conformance ${target.label}, suite ${choice.label}, through toolgate (${label}): ${describeRun(through)}`);
          assert.deepEqual(through.scenarios, direct.scenarios, 'the same scenarios ran');
          const lost = regressions(direct, through);
          assert.deepEqual(lost, [], `passed directly, failed through toolgate (${label}):\n${lost.join('\n')}`);
        }
        const tools = choice === NEXT_MODERN ? ['test_simple_text'] : target.judged;
        for (const [, server] of target.through) {
          // This suite's calls only: the audit keeps every earlier run's too.
          const judged = new Set((await gateway.auditEvents()).filter((event) => event.server === server && event.decision === 'allow' && event.time >= started).map((event) => event.tool));
          for (const tool of tools) assert.ok(judged.has(tool), `no audit event for ${tool} on ${server}`);
        }
      });
    }
  }
});
