// Drives the compiled demo MLflow server as a child process with the official MCP client: the
// published tools match the fixture, reads return seeded data, writes and deletes are seen by
// later reads, bad input comes back as a readable tool error.
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { MLFLOW_HANDLERS } from '../../examples/mlflow/handlers.js';
import { MLFLOW_TOOLS } from '../../examples/mlflow/tool-definitions.js';
import { MLFLOW_SERVER } from '../helpers/paths.js';
import { startMlflowHttp } from '../helpers/spawn-http-server.js';

// Present on the machine the project was built on, not on users' clones.
const FIXTURE = '/work/shared/fixtures/mlflow-tools.json';

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function textOf(result: CallToolResult): string {
  const first = result.content[0];
  assert.equal(first?.type, 'text');
  return first.type === 'text' ? first.text : '';
}

async function read(client: Client, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const result = await call(client, name, args);
  assert.ok(!result.isError, `${name} failed: ${textOf(result)}`);
  const data = JSON.parse(textOf(result));
  assert.deepEqual(result.structuredContent, data, `${name}: structuredContent and text disagree`);
  return data;
}

async function refused(client: Client, name: string, args: Record<string, unknown>, pattern: RegExp): Promise<void> {
  const result = await call(client, name, args);
  assert.equal(result.isError, true, `${name} should fail, got ${textOf(result)}`);
  assert.match(textOf(result), pattern);
}

describe('demo MLflow server over stdio', () => {
  let client: Client;

  before(async () => {
    client = new Client({ name: 'mlflow-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [MLFLOW_SERVER], stderr: 'pipe' }));
  });
  after(async () => client.close());

  test('publishes the 40 fixture tools, each with a handler', async () => {
    assert.equal(client.getServerVersion()?.name, 'mlflow-demo');
    const { tools } = await client.listTools();
    assert.equal(tools.length, 40);
    assert.deepEqual(tools, MLFLOW_TOOLS);
    for (const tool of tools) assert.ok(MLFLOW_HANDLERS[tool.name], `no handler for ${tool.name}`);
    if (existsSync(FIXTURE)) {
      const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { tools: unknown[] };
      assert.deepEqual(tools, fixture.tools);
    }
  });

  test('reads return the seeded experiments, runs and models', async () => {
    const { experiments } = await read(client, 'get_experiments');
    assert.ok(experiments.length >= 4);
    const fraud = await read(client, 'get_experiment_by_name', { name: 'fraud-detection' });
    assert.equal(fraud.tags.owner, 'risk-ml');
    const found = await read(client, 'search_experiments', { filter_string: "name LIKE '%forecast' AND tags.phase = 'research'" });
    assert.deepEqual(found.experiments.map((e: any) => e.name), ['demand-forecast']);

    const best = await read(client, 'get_runs', { experiment_id: fraud.experiment_id, limit: 2, order_by: ['metrics.auc DESC'] });
    assert.equal(best.total, 5);
    assert.deepEqual(best.runs.map((r: any) => r.info.run_name), ['xgb-depth-6', 'xgb-depth-8']);
    const parent = await read(client, 'get_parent_run', { run_id: best.runs[0].info.run_id });
    assert.equal(parent.parent_run.info.run_name, 'xgb-sweep');

    const query = await read(client, 'query_runs', { experiment_id: '3', query: 'metrics.mape < 0.1 AND params.lookback_hours = \'48\'' });
    assert.deepEqual(query.runs.map((r: any) => r.info.run_name), ['lstm-48h']);
    const history = await read(client, 'get_run_metric', { run_id: query.runs[0].info.run_id, metric_name: 'val/loss' });
    assert.equal(history.history.length, 12);

    const artifact = await call(client, 'get_artifact_content', { run_id: best.runs[0].info.run_id, artifact_path: 'model/MLmodel' });
    assert.match(textOf(artifact), new RegExp(`run_id: ${best.runs[0].info.run_id}`));
    const champion = await read(client, 'get_model_version_by_alias', { name: 'fraud-detector', alias: 'champion' });
    assert.equal(champion.version, '2');
    assert.equal(champion.current_stage, 'Production');
  });

  test('a write is visible to later reads', async () => {
    await read(client, 'set_model_alias', { name: 'fraud-detector', alias: 'champion', version: '3' });
    const champion = await read(client, 'get_model_version_by_alias', { name: 'fraud-detector', alias: 'champion' });
    assert.equal(champion.version, '3');

    const query = { experiment_id: '2', query: "attributes.status = 'FINISHED'", order_by: ['metrics.auc DESC'], limit: 1 };
    const { runs } = await read(client, 'query_runs', query);
    assert.equal(runs[0].info.run_name, 'lgbm-v2-tuned');
    await read(client, 'set_run_tag', { run_id: runs[0].info.run_id, key: 'reviewed_by', value: 'agent' });
    const run = await read(client, 'get_run', { run_id: runs[0].info.run_id });
    assert.equal(run.data.tags.reviewed_by, 'agent');

    const registered = await read(client, 'register_model', { model_name: 'churn-model-v3', model_uri: `runs:/${runs[0].info.run_id}/model` });
    assert.equal(registered.registered_model_created, true);
    const model = await read(client, 'get_registered_model', { name: 'churn-model-v3' });
    assert.deepEqual(model.versions.map((v: any) => v.version), ['1']);
  });

  test('a delete removes what later reads find', async () => {
    await read(client, 'delete_model_version', { name: 'fraud-detector', version: '1' });
    await refused(client, 'get_model_version', { model_name: 'fraud-detector', version: '1' }, /RESOURCE_DOES_NOT_EXIST/);

    const listed = await read(client, 'get_runs', { experiment_id: '1', limit: 10 });
    const victim = listed.runs[0].info.run_id;
    await read(client, 'delete_run', { run_id: victim });
    const afterDelete = await read(client, 'get_runs', { experiment_id: '1', limit: 10 });
    assert.equal(afterDelete.total, listed.total - 1);
    assert.ok(!afterDelete.runs.some((r: any) => r.info.run_id === victim));
  });

  test('bad arguments and unknown entities are tool errors that say what is wrong', async () => {
    await refused(client, 'get_run', {}, /missing required argument 'run_id'/);
    await refused(client, 'get_run', { run_id: 42 }, /'run_id' must be a string/);
    await refused(client, 'get_runs', { experiment_id: '1', limit: 'many' }, /'limit' must be an integer/);
    await refused(client, 'get_run', { run_id: 'no-such-run' }, /Run with id 'no-such-run' does not exist/);
    await refused(client, 'search_experiments', { filter_string: "name = 'a' OR name = 'b'" }, /unsupported filter syntax 'OR'/);
    await refused(client, 'transition_model_version_stage', { name: 'churn-model', version: '1', stage: 'Live' }, /'stage' must be one of/);
    await assert.rejects(call(client, 'no_such_tool'), (error: any) => error.code === -32602);
  });
});

describe('demo MLflow server over Streamable HTTP', () => {
  test('sessions share one registry', async () => {
    const fixture = await startMlflowHttp();
    const first = new Client({ name: 'first', version: '1.0.0' });
    const second = new Client({ name: 'second', version: '1.0.0' });
    try {
      await first.connect(new StreamableHTTPClientTransport(new URL(fixture.url)));
      await second.connect(new StreamableHTTPClientTransport(new URL(fixture.url)));
      assert.equal((await first.listTools()).tools.length, 40);
      await read(first, 'set_registered_model_tag', { name: 'churn-model', key: 'reviewed', value: 'yes' });
      const model = await read(second, 'get_registered_model', { name: 'churn-model' });
      assert.equal(model.tags.reviewed, 'yes');
    } finally {
      await first.close();
      await second.close();
      await fixture.stop();
    }
  });
});
