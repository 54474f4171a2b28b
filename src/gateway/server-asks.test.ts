// Which server-to-client requests a client is sent, by the capabilities it declared; and the
// refusals' words, as docs/errors.md lists them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { JsonRpcRequest } from '../protocol/jsonrpc.js';
import { missingCapability, REFUSALS } from './server-asks.js';

const ask = (method: string, params: Record<string, unknown> = {}): JsonRpcRequest => ({ jsonrpc: '2.0', id: 1, method, params });

const CASES: Array<[string, JsonRpcRequest, Record<string, unknown> | undefined, string | undefined]> = [
  ['sampling, declared', ask('sampling/createMessage'), { sampling: {} }, undefined],
  ['sampling, not declared', ask('sampling/createMessage'), { roots: {} }, 'sampling'],
  ['sampling with tools, without sampling.tools', ask('sampling/createMessage', { tools: [] }), { sampling: {} }, 'sampling.tools'],
  ['sampling with tools, with sampling.tools', ask('sampling/createMessage', { tools: [] }), { sampling: { tools: {} } }, undefined],
  ['elicitation (form by default), {}', ask('elicitation/create'), { elicitation: {} }, undefined],
  ['elicitation form, only url declared', ask('elicitation/create', { mode: 'form' }), { elicitation: { url: {} } }, 'elicitation.form'],
  ['elicitation url, {} (form only)', ask('elicitation/create', { mode: 'url' }), { elicitation: {} }, 'elicitation.url'],
  ['elicitation url, url declared', ask('elicitation/create', { mode: 'url' }), { elicitation: { form: {}, url: {} } }, undefined],
  ['roots, declared', ask('roots/list'), { roots: { listChanged: true } }, undefined],
  ['roots, nothing declared', ask('roots/list'), undefined, 'roots'],
  ['a capability that is not an object', ask('roots/list'), { roots: true }, 'roots'],
  ['ping needs nothing', ask('ping'), undefined, undefined],
  ['an unknown method is the client\'s to answer', ask('x-vendor/thing'), undefined, undefined],
];

for (const [name, request, declared, missing] of CASES) {
  test(`${name}: ${missing ?? 'sent'}`, () => {
    assert.equal(missingCapability(request, declared), missing);
  });
}

test('docs/errors.md gives every refusal a server can be sent, in the words the gateway uses', () => {
  const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const section = docs.slice(docs.indexOf('## Errors sent to a server'), docs.indexOf('## HTTP statuses'));
  for (const [code, words] of [['-32601', REFUSALS.undeclared('C', 'METHOD')], ['-32601', REFUSALS.shared('METHOD')], ['-32603', REFUSALS.noStream()]] as const) {
    assert.ok(section.includes(`| ${code} | \`${words}\``), `docs/errors.md, "Errors sent to a server", has no row: | ${code} | \`${words}\``);
  }
});
