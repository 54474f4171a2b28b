// The demo as shipped (examples/toolgate.yaml + examples/policies/mlflow.json) through the gateway:
// 35 of 40 tools visible, deletes hidden, reads allowed, writes 30 a minute per grant.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createManualClock } from '../../src/lib/clock.js';
import { MLFLOW_TOOLS } from '../../examples/mlflow/tool-definitions.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { EXAMPLE_CONFIG, REPO_ROOT } from '../helpers/paths.js';

const DELETES = ['delete_model_alias', 'delete_model_version', 'delete_registered_model', 'delete_run', 'delete_experiment'];

function text(result: unknown): string {
  const first = (result as CallToolResult).content[0];
  return first?.type === 'text' ? first.text : '';
}

async function read(client: Client, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  assert.ok(!result.isError, `${name} failed: ${text(result)}`);
  return JSON.parse(text(result));
}

describe('the demo config through the gateway', () => {
  let gateway: TestGateway;
  let client: Client;
  // Mid-minute and frozen: the calendar-aligned window cannot roll over during the test.
  const clock = createManualClock(Date.UTC(2026, 2, 1, 12, 0, 20));

  before(async () => {
    const config = await loadConfig(EXAMPLE_CONFIG);
    const mlflow = config.servers['mlflow'];
    assert.ok(mlflow && mlflow.upstream.kind === 'stdio' && mlflow.policy.kind === 'file');
    // The example's `args` are relative to the working directory `toolgate serve` runs in: the repo root.
    const upstream = { command: mlflow.upstream.command, args: [...mlflow.upstream.args], cwd: REPO_ROOT };
    gateway = await startTestGateway({ servers: { mlflow: { ...upstream, policy: mlflow.policy.path } }, clock });
    client = await gateway.connect('mlflow', gateway.token(['mlflow']));
  });
  after(async () => gateway?.stop());

  test('35 of the 40 tools are visible; the five deletes are hidden', async () => {
    const { tools } = await client.listTools();
    assert.equal(MLFLOW_TOOLS.length, 40);
    assert.equal(tools.length, 35);
    assert.deepEqual(tools, MLFLOW_TOOLS.filter((tool) => !DELETES.includes(tool.name)));
  });

  test('a hidden delete is an unknown tool and deletes nothing', async () => {
    for (const name of DELETES) {
      await assert.rejects(client.callTool({ name, arguments: { name: 'fraud-detector', version: '1', alias: 'champion', run_id: 'x', experiment_id: '1' } }), (error: { code?: number; message?: string }) => {
        assert.equal(error.code, -32602, name);
        assert.equal(error.message, `MCP error -32602: Unknown tool: ${name}`);
        return true;
      });
    }
    const model = await read(client, 'get_registered_model', { name: 'fraud-detector' });
    assert.ok(model.versions.some((version: { version: string }) => version.version === '1'));
    assert.equal((await read(client, 'get_model_version_by_alias', { name: 'fraud-detector', alias: 'champion' })).version, '2');
  });

  test('reads are allowed and return the seeded data', async () => {
    const { experiments } = await read(client, 'get_experiments');
    assert.ok(experiments.some((experiment: { name: string }) => experiment.name === 'fraud-detection'));
    const fraud = await read(client, 'get_experiment_by_name', { name: 'fraud-detection' });
    assert.equal(fraud.tags.owner, 'risk-ml');
  });

  test('a write changes what a later read returns', async () => {
    await read(client, 'set_model_alias', { name: 'fraud-detector', alias: 'champion', version: '3' });
    assert.equal((await read(client, 'get_model_version_by_alias', { name: 'fraud-detector', alias: 'champion' })).version, '3');
  });

  test('writes are limited to 30 a minute per grant: the 31st is rate-limited and changes nothing', async () => {
    const tag = (value: number) => client.callTool({ name: 'set_registered_model_tag', arguments: { name: 'churn-model', key: 'review', value: String(value) } }) as Promise<CallToolResult>;
    for (let i = 1; i <= 30; i += 1) assert.ok(!(await tag(i)).isError, `write ${i} should pass`);
    const limited = await tag(31);
    assert.equal(limited.isError, true);
    assert.match(text(limited), /^\[POLICY DENIED\] rate limit set_registered_model_tag_rate reached \(30 per minute\)/);
    const meta = limited._meta?.['toolgate'] as { decision: string; retryAfterMs: number };
    assert.equal(meta.decision, 'rate_limited');
    assert.equal(meta.retryAfterMs, 40_000, 'the window ends at the next minute');
    assert.equal((await read(client, 'get_registered_model', { name: 'churn-model' })).tags.review, '30');

    // Another write tool has its own budget; another grant has its own budget.
    await read(client, 'set_model_alias', { name: 'churn-model', alias: 'reviewed', version: '1' });
    const other = await gateway.connect('mlflow', gateway.token(['mlflow']));
    const fromOther = (await other.callTool({ name: 'set_registered_model_tag', arguments: { name: 'churn-model', key: 'review', value: 'other' } })) as CallToolResult;
    assert.ok(!fromOther.isError, text(fromOther));
    // A new minute, a new budget.
    clock.advance(40_000);
    assert.ok(!(await tag(32)).isError);

    const events = (await gateway.auditEvents()).filter((event) => event.tool === 'set_registered_model_tag');
    assert.equal(events.filter((event) => event.decision === 'rate_limited').length, 1);
    assert.equal(events.filter((event) => event.decision === 'allow').length, 32);
  });
});
