// A server's shared connections: one per era the server is spoken to in, so 2025 sessions
// (`shared: true`) and 2026-07-28 clients share one connection wherever both are served over the
// same kind of link, and a dual-era server gives each its own. Channels connect lazily: nothing
// here opens a connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerConfig, UpstreamEra } from '../config/gateway-config.js';
import { silentLogger } from '../lib/logger.js';
import { createPolicyEngine } from '../policy/engine.js';
import { validatePolicy } from '../policy/validate-policy.js';
import { createPolicyHolder } from './policy-holder.js';
import { createServerRuntime } from './server-runtime.js';

function runtimeFor(era: UpstreamEra) {
  const { policy } = validatePolicy({ version: '1', default: 'allow' });
  assert.ok(policy);
  const config: ServerConfig = {
    name: 's',
    upstream: { kind: 'http', url: 'http://127.0.0.1:9/mcp', headers: {}, transport: 'auto' },
    policy: { kind: 'inline', document: {} },
    shared: true,
    requestTimeoutMs: 1_000,
    era,
  };
  return createServerRuntime(config, createPolicyHolder('s', policy, createPolicyEngine), silentLogger);
}

test('legacy-only and modern-only servers: one shared connection for both eras of client; dual-era: one each', async () => {
  for (const [era, one] of [['legacy', true], ['modern', true], ['dual', false]] as const) {
    const runtime = runtimeFor(era);
    const legacy = runtime.sharedUpstream('legacy');
    assert.equal(runtime.sharedUpstream('modern') === legacy, one, `era: ${era}`);
    // Asked again, each era gets the connection it got first.
    assert.equal(runtime.sharedUpstream('legacy'), legacy, `era: ${era}`);
    await runtime.close();
  }
});

test('while the eras are not known yet (auto), each client era keeps the connection it was first given', async () => {
  const runtime = runtimeFor('auto');
  const modern = runtime.sharedUpstream('modern');
  assert.equal(runtime.sharedUpstream('modern'), modern);
  await runtime.close();
});
