// A server's requests to the client (sampling, elicitation, roots) through the gateway, asked the
// two ways an SDK server asks — `server.request` on the session's standalone GET stream, and
// `extra.sendRequest` on the call's own stream — by a tool called the moment the client has
// connected: over Streamable HTTP and legacy HTTP+SSE upstreams, with a grant and with `auth:
// none`, each tool 20 times, each time from a fresh session. And where a request cannot be carried
// (the client did not declare the capability, a shared connection, a 2026-07-28 client), the
// server is told at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LoggingMessageNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { answeringClient, ASKING_TOOLS, expectAnswered } from '../helpers/answering-client.js';
import { textOf } from '../helpers/tool-calls.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { connectModernThroughGateway, connectThroughGateway, NotificationLog } from '../helpers/mcp-clients.js';
import { ASKING_SERVER } from '../helpers/paths.js';
import { startHttpFixture, type HttpFixture } from '../helpers/spawn-http-server.js';

const POLICY = { version: '1', default: 'allow' };
const ROUNDS = 20;
const UPSTREAMS = [
  { label: 'Streamable HTTP', flag: '--http', server: 'ask-http' },
  { label: 'legacy HTTP+SSE', flag: '--sse', server: 'ask-sse' },
] as const;

describe('server-to-client requests through the gateway, right after connecting', { timeout: 5 * 60_000 }, () => {
  const fixtures = new Map<string, HttpFixture>();
  let granted: TestGateway;
  let open: TestGateway;
  let token: string;

  before(async () => {
    for (const upstream of UPSTREAMS) fixtures.set(upstream.server, await startHttpFixture(process.execPath, [ASKING_SERVER, upstream.flag, '0']));
    const servers = (extra: Record<string, unknown> = {}) =>
      Object.fromEntries(UPSTREAMS.map((upstream) => [upstream.server, { url: fixtures.get(upstream.server)!.url, policy: POLICY, ...extra }]));
    granted = await startTestGateway({ store: 'memory', servers: { ...servers(), 'ask-shared': { url: fixtures.get('ask-http')!.url, policy: POLICY, shared: true } } });
    open = await startTestGateway({ store: 'memory', auth: 'none', servers: servers() });
    token = granted.token([...UPSTREAMS.map((upstream) => upstream.server), 'ask-shared']);
  });
  after(async () => {
    await granted?.stop();
    await open?.stop();
    for (const fixture of fixtures.values()) await fixture.stop();
  });

  for (const upstream of UPSTREAMS) {
    for (const auth of ['a grant', 'auth: none'] as const) {
      test(`${upstream.label} upstream, ${auth}: every ask is answered by the client, ${ROUNDS} fresh sessions per tool`, async () => {
        const gateway = auth === 'a grant' ? granted : open;
        for (let round = 0; round < ROUNDS; round += 1) {
          for (const { tool, answer } of ASKING_TOOLS) {
            const label = `c${round}-${tool}`;
            const client = await connectThroughGateway(gateway.url, upstream.server, auth === 'a grant' ? token : undefined, answeringClient(label).setup);
            try {
              await expectAnswered(client, tool, answer(label), `round ${round}`);
            } finally {
              await client.close();
            }
          }
        }
      });
    }

    test(`${upstream.label} upstream: only the session that is asked hears the question and the notifications`, async () => {
      const asked = answeringClient('asked');
      const bystander = answeringClient('bystander');
      const heard = new NotificationLog();
      const notHeard = new NotificationLog();
      const client = await connectThroughGateway(granted.url, upstream.server, token, { ...asked.setup, setup: (c) => (asked.setup.setup!(c), heard.attach(c)) });
      const other = await connectThroughGateway(granted.url, upstream.server, token, { ...bystander.setup, setup: (c) => (bystander.setup.setup!(c), notHeard.attach(c)) });
      try {
        for (const { tool, answer } of ASKING_TOOLS) await expectAnswered(client, tool, answer('asked'), 'asked');
        assert.equal(asked.asked, ASKING_TOOLS.length);
        assert.equal(textOf(await client.callTool({ name: 'notify_on_stream', arguments: {} })), 'notified');
        await heard.waitFor((n) => n.method === ResourceUpdatedNotificationSchema.shape.method.value, 5_000, 'resources/updated');
        await heard.waitFor((n) => n.method === LoggingMessageNotificationSchema.shape.method.value, 5_000, 'a log message');
        // The other session's own call comes after: anything misrouted to it would have arrived first.
        await expectAnswered(other, 'sample_on_stream', 'sampled: hello from bystander', 'bystander');
        assert.equal(bystander.asked, 1);
        assert.deepEqual(notHeard.methods(), []);
      } finally {
        await client.close();
        await other.close();
      }
    });
  }

  test('a client that did not declare a capability is not asked: the server hears so at once', async () => {
    const client = await connectThroughGateway(granted.url, 'ask-http', token, { capabilities: {} });
    try {
      for (const [tool, capability] of [['sample_on_stream', 'sampling'], ['sample_in_call', 'sampling'], ['elicit_on_stream', 'elicitation'], ['roots_in_call', 'roots']] as const) {
        // A question left unanswered would fail the client's 5 s timeout.
        const result = await client.callTool({ name: tool, arguments: {} }, undefined, { timeout: 5_000 });
        assert.equal(result.isError, true, tool);
        assert.match(textOf(result), new RegExp(`^error: MCP error -32601: the client did not declare the ${capability} capability`), tool);
      }
    } finally {
      await client.close();
    }
  });

  test('over a shared connection, and from a 2026-07-28 client, a question is refused to the server at once', async () => {
    const shared = await connectThroughGateway(granted.url, 'ask-shared', token, answeringClient('shared').setup);
    const modern = await connectModernThroughGateway(granted.url, 'ask-http', token);
    try {
      const sharedResult = await shared.callTool({ name: 'sample_on_stream', arguments: {} }, undefined, { timeout: 5_000 });
      assert.match(textOf(sharedResult), /^error: MCP error -32601: .*cannot route "sampling\/createMessage" to one client/);
      const modernResult = await modern.callTool({ name: 'elicit_in_call', arguments: {} }, { timeout: 5_000 });
      assert.match(textOf(modernResult), /^error: MCP error -32601: .*cannot route "elicitation\/create" to one client/);
    } finally {
      await shared.close();
      await modern.close();
    }
  });
});

describe('an HTTP upstream that restarts under a session', { timeout: 60_000 }, () => {
  let fixture: HttpFixture;
  let gateway: TestGateway;

  before(async () => {
    fixture = await startHttpFixture(process.execPath, [ASKING_SERVER, '--http', '{port}'], {}, { choosePort: true });
    gateway = await startTestGateway({ store: 'memory', servers: { ask: { url: fixture.url, policy: POLICY } } });
  });
  after(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  test('the session is opened again upstream, its event stream first: the next question is answered', async () => {
    const client = await connectThroughGateway(gateway.url, 'ask', gateway.token(['ask']), answeringClient('survivor').setup);
    try {
      await expectAnswered(client, 'sample_on_stream', 'sampled: hello from survivor', 'before the restart');
      await fixture.stop();
      // While it is down a call fails at once (it never reached a server), and nothing hangs.
      const down = await client.callTool({ name: 'sample_in_call', arguments: {} }, undefined, { timeout: 5_000 }).catch((error: Error) => error);
      assert.match(String((down as Error).message), /-32010/);
      fixture = await startHttpFixture(process.execPath, [ASKING_SERVER, '--http', new URL(fixture.url).port]);
      // The server no longer knows the session (404): toolgate opens a new one and sends the call there.
      await expectAnswered(client, 'sample_on_stream', 'sampled: hello from survivor', 'right after the restart');
      await expectAnswered(client, 'elicit_on_stream', 'elicited: accept {"name":"survivor"}', 'after the restart');
    } finally {
      await client.close();
    }
  });
});
