// SDK client → toolgate → server-everything as a stdio child: every MCP feature the reference server
// offers (tools, progress, resources, prompts, completion, logging, server-to-client requests,
// list_changed) passes through the gateway, while the policy hides one tool and denies another.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema, type CallToolResult, type Notification, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { connectDirect, connectThroughGateway, NotificationLog, type ClientSetup } from '../helpers/mcp-clients.js';
import { EVERYTHING_SERVER } from '../helpers/paths.js';

const POLICY = {
  version: '1',
  default: 'allow',
  hide: ['get-env'],
  tools: { 'get-tiny-image': { action: 'deny', reason: 'images are not for this agent' } },
};
const DOCS_DIR = join(dirname(EVERYTHING_SERVER), 'docs');

/** A client that can answer everything server-everything asks of a client. */
function capableClient(log: NotificationLog, sampled: unknown[], roots = [{ uri: 'file:///srv/toolgate-root', name: 'toolgate root' }]): ClientSetup {
  return {
    capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } },
    setup: (client) => {
      log.attach(client);
      client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
        sampled.push(request.params);
        return { model: 'toolgate-test-model', role: 'assistant', content: { type: 'text', text: 'sampled through the gateway' } };
      });
      client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'Ada Lovelace', check: true } }));
      client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [...roots] }));
    },
  };
}

function texts(result: unknown): string {
  return (result as CallToolResult).content.map((block) => (block.type === 'text' ? block.text : `[${block.type}]`)).join('\n');
}

const isMethod = (method: string) => (n: Notification) => n.method === method;

describe('server-everything over stdio, through the gateway', () => {
  let gateway: TestGateway;
  let client: Client;
  let token: string;
  const log = new NotificationLog();
  const sampled: unknown[] = [];
  const roots = [{ uri: 'file:///srv/toolgate-root', name: 'toolgate root' }];

  before(async () => {
    gateway = await startTestGateway({ servers: { everything: { command: process.execPath, args: [EVERYTHING_SERVER], policy: POLICY } }, store: 'memory' });
    token = gateway.token(['everything']);
    client = await connectThroughGateway(gateway.url, 'everything', token, capableClient(log, sampled, roots));
  });
  after(async () => {
    await client?.close();
    await gateway?.stop();
  });

  test('initialize passes server info, capabilities and instructions through', async () => {
    const info = client.getServerVersion();
    assert.equal(info?.name, 'mcp-servers/everything');
    assert.equal(info?.title, 'Everything Reference Server');
    const caps = client.getServerCapabilities();
    assert.deepEqual(caps?.tools, { listChanged: true });
    assert.deepEqual(caps?.resources, { subscribe: true, listChanged: true });
    assert.deepEqual(caps?.prompts, { listChanged: true });
    assert.deepEqual(caps?.logging, {});
    assert.equal(client.getInstructions(), readFileSync(join(DOCS_DIR, 'instructions.md'), 'utf8'));
  });

  test('tools/list is the server\'s list, schemas and annotations intact, minus the hidden tool', async () => {
    const direct = await connectDirect(process.execPath, [EVERYTHING_SERVER], capableClient(new NotificationLog(), []));
    try {
      const expected = (await direct.listTools()).tools;
      assert.ok(expected.some((tool) => tool.name === 'get-env'), 'the server itself offers get-env');
      const { tools } = await client.listTools();
      assert.deepEqual(tools, expected.filter((tool) => tool.name !== 'get-env'));
      const echo = tools.find((tool) => tool.name === 'echo');
      assert.equal(echo?.inputSchema.properties?.['message'] && (echo.inputSchema.properties['message'] as { type?: string }).type, 'string');
      assert.equal(echo?.annotations?.readOnlyHint, true);
      assert.ok(tools.some((tool) => tool.name === 'trigger-sampling-request'), 'capability-dependent tools are listed');
    } finally {
      await direct.close();
    }
  });

  test('allowed calls return the server\'s results', async () => {
    assert.equal(texts(await client.callTool({ name: 'echo', arguments: { message: 'hello gateway' } })), 'Echo: hello gateway');
    assert.equal(texts(await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } })), 'The sum of 2 and 40 is 42.');
    const structured = (await client.callTool({ name: 'get-structured-content', arguments: { location: 'Chicago' } })) as CallToolResult;
    assert.equal(typeof structured.structuredContent?.['temperature'], 'number');
    assert.deepEqual(JSON.parse(texts(structured)), structured.structuredContent);
    const invalid = (await client.callTool({ name: 'get-sum', arguments: { a: 'two', b: 3 } })) as CallToolResult;
    assert.equal(invalid.isError, true, 'the server\'s own validation error comes back as a tool error');
  });

  test('a denied tool answers with the policy reason and never runs; a hidden tool is unknown', async () => {
    const denied = (await client.callTool({ name: 'get-tiny-image', arguments: {} })) as CallToolResult;
    assert.equal(denied.isError, true);
    assert.equal(texts(denied), '[POLICY DENIED] images are not for this agent');
    assert.equal((denied._meta?.['toolgate'] as { decision?: string }).decision, 'deny');
    await assert.rejects(client.callTool({ name: 'get-env', arguments: {} }), (error: { code?: number; message?: string }) => {
      assert.equal(error.code, -32602);
      assert.match(error.message ?? '', /Unknown tool: get-env/);
      return true;
    });
    const events = await gateway.auditEvents();
    const image = events.find((event) => event.tool === 'get-tiny-image');
    assert.equal(image?.decision, 'deny');
    assert.equal(image?.upstreamStatus, 'not_sent');
  });

  test('progress notifications of a long call reach the caller, in order', async () => {
    const progress: Progress[] = [];
    const result = await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } }, undefined, {
      onprogress: (update) => progress.push(update),
    });
    assert.match(texts(result), /Long running operation completed\. Duration: 0\.3 seconds, Steps: 3\./);
    assert.deepEqual(progress.map((p) => [p.progress, p.total]), [[1, 3], [2, 3], [3, 3]]);
  });

  test('resources: list, read, templates', async () => {
    const { resources } = await client.listResources();
    const features = resources.find((resource) => resource.uri === 'demo://resource/static/document/features.md');
    assert.equal(features?.mimeType, 'text/markdown');
    const read = await client.readResource({ uri: 'demo://resource/static/document/features.md' });
    assert.equal((read.contents[0] as { text?: string }).text, readFileSync(join(DOCS_DIR, 'features.md'), 'utf8'));

    const { resourceTemplates } = await client.listResourceTemplates();
    assert.ok(resourceTemplates.some((template) => template.uriTemplate === 'demo://resource/dynamic/text/{resourceId}'));
    const dynamic = await client.readResource({ uri: 'demo://resource/dynamic/text/7' });
    assert.match((dynamic.contents[0] as { text?: string }).text ?? '', /^Resource 7: This is a plaintext resource/);
    await assert.rejects(client.readResource({ uri: 'demo://resource/dynamic/text/zero' }), /Unknown resource|not found/i);
  });

  test('logging/setLevel filters the server\'s log messages; subscriptions deliver resources/updated', async () => {
    const uri = 'demo://resource/dynamic/text/1';
    await client.setLoggingLevel('error');
    await client.unsubscribeResource({ uri }); // logs at "info": filtered out by the server
    await client.setLoggingLevel('info');
    await client.subscribeResource({ uri }); // logs at "info": delivered
    const logged = await log.waitFor((n) => n.method === 'notifications/message' && String(n.params?.['data']).includes('Received Subscribe Resource request'), 5_000, 'subscribe log');
    assert.equal(logged.params?.['level'], 'info');
    assert.ok(!log.seen.some((n) => String(n.params?.['data']).includes('Received Unsubscribe')), 'the message below the level was not sent');

    try {
      await client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
      const updated = await log.waitFor((n) => n.method === 'notifications/resources/updated', 5_000, 'resources/updated');
      assert.equal(updated.params?.['uri'], uri);
    } finally {
      await client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
      await client.unsubscribeResource({ uri });
    }
  });

  test('prompts: list and get with arguments; completion', async () => {
    const { prompts } = await client.listPrompts();
    assert.deepEqual(prompts.map((prompt) => prompt.name).sort(), ['args-prompt', 'completable-prompt', 'resource-prompt', 'simple-prompt']);
    const prompt = await client.getPrompt({ name: 'args-prompt', arguments: { city: 'Lyon', state: 'Rhône' } });
    assert.deepEqual(prompt.messages[0]?.content, { type: 'text', text: "What's weather in Lyon, Rhône?" });

    const ref = { type: 'ref/prompt' as const, name: 'completable-prompt' };
    const departments = await client.complete({ ref, argument: { name: 'department', value: 'S' } });
    assert.deepEqual(departments.completion.values, ['Sales', 'Support']);
    const names = await client.complete({ ref, argument: { name: 'name', value: 'A' }, context: { arguments: { department: 'Engineering' } } });
    assert.deepEqual(names.completion.values, ['Alice']);
  });

  test('ping is answered', async () => {
    assert.deepEqual(await client.ping(), {});
  });

  test('sampling: the server\'s request reaches the client and its answer reaches the server', async () => {
    const result = await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'say hi', maxTokens: 12 } });
    const text = texts(result);
    assert.match(text, /LLM sampling result/);
    assert.match(text, /toolgate-test-model/);
    assert.match(text, /sampled through the gateway/);
    const asked = sampled.at(-1) as { maxTokens?: number; messages?: Array<{ content: { text?: string } }> };
    assert.equal(asked.maxTokens, 12);
    assert.equal(asked.messages?.[0]?.content.text, 'Resource trigger-sampling-request context: say hi');
  });

  test('elicitation and roots: server-to-client requests round-trip, roots/list_changed reaches the server', async () => {
    const elicited = texts(await client.callTool({ name: 'trigger-elicitation-request', arguments: {} }));
    assert.match(elicited, /User provided the requested information/);
    assert.match(elicited, /- Name: Ada Lovelace/);
    let listed = texts(await client.callTool({ name: 'get-roots-list', arguments: {} }));
    assert.match(listed, /Current MCP Roots \(1 total\)/);
    assert.match(listed, /URI: file:\/\/\/srv\/toolgate-root/);

    // The client's notifications/roots/list_changed reaches the server, which asks again.
    roots.push({ uri: 'file:///srv/second-root', name: 'second' });
    await client.sendRootsListChanged();
    const deadline = Date.now() + 3_000;
    while (!listed.includes('second-root') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      listed = texts(await client.callTool({ name: 'get-roots-list', arguments: {} }));
    }
    assert.match(listed, /Current MCP Roots \(2 total\)[\s\S]*file:\/\/\/srv\/second-root/);
  });

  test('tools/list_changed, sent as soon as the session is initialized, is not lost', async () => {
    // server-everything registers its capability-dependent tools on `initialized` and says so at
    // once, before an HTTP client has had time to open its GET stream.
    const early = new NotificationLog();
    const fresh = await connectThroughGateway(gateway.url, 'everything', token, capableClient(early, []));
    try {
      await early.waitFor(isMethod('notifications/tools/list_changed'), 3_000, 'tools/list_changed');
    } finally {
      await fresh.close();
    }
  });

  test('notifications/resources/list_changed reaches the client', async () => {
    const data = `data:text/plain;base64,${Buffer.from('compress me').toString('base64')}`;
    const result = (await client.callTool({ name: 'gzip-file-as-resource', arguments: { name: 'note.txt.gz', data } })) as CallToolResult;
    assert.equal(result.content[0]?.type, 'resource_link');
    await log.waitFor(isMethod('notifications/resources/list_changed'), 5_000, 'resources/list_changed');
    const { resources } = await client.listResources();
    assert.ok(resources.some((resource) => resource.uri === 'demo://resource/session/note.txt.gz'));
  });
});
