// A Streamable HTTP server that closes a request's answer stream mid-call (SEP-1699: it expects the
// client to resume with Last-Event-ID) still gets its answer to the client through the gateway:
// toolgate's upstream client resumes the stream instead of waiting out its timeout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { textOf } from '../helpers/tool-calls.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { connectThroughGateway } from '../helpers/mcp-clients.js';
import { CONFORMANCE_SERVER } from '../helpers/paths.js';
import { startHttpFixture, type HttpFixture } from '../helpers/spawn-http-server.js';

let fixture: HttpFixture;
let gateway: TestGateway;

before(async () => {
  fixture = await startHttpFixture(process.execPath, [CONFORMANCE_SERVER, '--http', '0']);
  gateway = await startTestGateway({ store: 'memory', servers: { conformance: { url: fixture.url, policy: { version: '1', default: 'allow' } } } });
});
after(async () => {
  await gateway?.stop();
  await fixture?.stop();
});

test('an answer stream the server closes mid-call is resumed, and the answer arrives', async () => {
  const client = await connectThroughGateway(gateway.url, 'conformance', gateway.token(['conformance']));
  try {
    for (let round = 0; round < 3; round += 1) {
      // Waiting out the gateway's 60 s request timeout would fail the client's 5 s one.
      const result = await client.callTool({ name: 'test_reconnection', arguments: {} }, undefined, { timeout: 5_000 });
      assert.equal(textOf(result), 'Reconnection test completed successfully', `round ${round}`);
    }
  } finally {
    await client.close();
  }
});
