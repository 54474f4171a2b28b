// The official MCP conformance suite (server mode) against our conformance test server, directly and
// through toolgate (`default: allow`, `auth: none` on loopback) over both upstream transports: every
// scenario that passes directly must pass through the gateway. Prints passed/total for each run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRun, ensureConformanceRunner, runConformanceSuite, type SuiteRun } from '../helpers/conformance-suite.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { CONFORMANCE_SERVER } from '../helpers/paths.js';
import { startHttpFixture, type HttpFixture } from '../helpers/spawn-http-server.js';

const POLICY = { version: '1', default: 'allow' };

/** Scenarios that passed directly but not through the gateway, each with its failing checks. */
function regressions(direct: SuiteRun, through: SuiteRun): string[] {
  return direct.scenarios
    .filter((scenario) => direct.passed.has(scenario) && !through.passed.has(scenario))
    .map((scenario) => `${scenario}:\n    ${(through.failures.get(scenario) ?? ['did not run']).join('\n    ')}`);
}

describe('official MCP conformance suite, directly and through toolgate', { timeout: 15 * 60_000 }, () => {
  let fixture: HttpFixture;
  let gateway: TestGateway;
  let direct: SuiteRun;

  before(async () => {
    await ensureConformanceRunner();
    fixture = await startHttpFixture(process.execPath, [CONFORMANCE_SERVER, '--http', '0']);
    gateway = await startTestGateway({
      auth: 'none',
      store: 'memory',
      servers: {
        // `transport` left at its default (`auto`), as a user writes it: Streamable HTTP is detected.
        conformance: { url: fixture.url, policy: POLICY },
        'conformance-stdio': { command: process.execPath, args: [CONFORMANCE_SERVER], policy: POLICY },
      },
    });
    direct = await runConformanceSuite(fixture.url);
    console.log(`conformance direct: ${describeRun(direct)}`);
  });
  after(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  test('the test server passes every server scenario of the suite directly', () => {
    assert.ok(direct.scenarios.length >= 30, `the suite ran only ${direct.scenarios.length} scenarios:\n${direct.output}`);
    assert.deepEqual([...direct.failures.entries()], [], `failing directly:\n${direct.output}`);
  });

  for (const [label, server] of [['Streamable HTTP upstream', 'conformance'], ['stdio upstream', 'conformance-stdio']] as const) {
    test(`through toolgate (${label}), every scenario that passes directly passes`, async () => {
      const through = await runConformanceSuite(`${gateway.url}/mcp/${server}`);
      console.log(`conformance through toolgate (${label}): ${describeRun(through)}`);
      assert.deepEqual(through.scenarios, direct.scenarios, 'the same scenarios ran');
      const lost = regressions(direct, through);
      assert.deepEqual(lost, [], `passed directly, failed through toolgate (${label}):\n${lost.join('\n')}`);
      // The calls really crossed the gateway's pipeline: each was judged and recorded.
      const judged = new Set((await gateway.auditEvents()).filter((event) => event.server === server && event.decision === 'allow').map((event) => event.tool));
      for (const tool of ['test_simple_text', 'test_sampling', 'test_elicitation', 'test_tool_with_progress']) assert.ok(judged.has(tool), `no audit event for ${tool} on ${server}`);
    });
  }
});
