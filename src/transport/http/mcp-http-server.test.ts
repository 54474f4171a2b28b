// HTTP-level refusals of the client-facing transport that must never turn into a 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMcpHttpServer } from './mcp-http-server.js';
import { refusingHandler } from '../../../test/helpers/refusing-handler.js';

test('a server name that is not valid percent-encoding is a 404, not a crash', async () => {
  const http = createMcpHttpServer({
    handler: refusingHandler,
    origins: { allowedOrigins: [], listenHost: '127.0.0.1' },
  });
  const address = await http.listen('127.0.0.1', 0);
  try {
    for (const path of ['/mcp/%ZZ', '/mcp/%E0%A4%A', '/mcp/%ED%A0%80']) {
      const response = await fetch(`http://127.0.0.1:${address.port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
      assert.equal(response.status, 404, path);
    }
  } finally {
    await http.close();
  }
});
