// The 2026-07-28 request envelope: what claims it, what it must hold, and what goes upstream.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonRpcRequest } from './jsonrpc.js';
import { checkEnvelope, claimsModernEnvelope, isModernVersion, logLevelAdmits, META, SUPPORTED_VERSIONS, withoutEnvelope } from './modern-envelope.js';

const CAPS = { [META.clientCapabilities]: {} };
const envelope = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ _meta: { [META.protocolVersion]: '2026-07-28', ...CAPS, ...extra } });

test('a modern version is a dated revision from 2026-07-28 on; garbage and legacy dates are not', () => {
  assert.equal(isModernVersion('2026-07-28'), true);
  assert.equal(isModernVersion('2027-01-01'), true);
  assert.equal(isModernVersion('2025-11-25'), false);
  assert.equal(isModernVersion('zzz'), false);
  assert.equal(isModernVersion(undefined), false);
});

test('only the protocol-version key claims the envelope', () => {
  assert.equal(claimsModernEnvelope(envelope()), true);
  assert.equal(claimsModernEnvelope({ _meta: { [META.protocolVersion]: 7 } }), true);
  assert.equal(claimsModernEnvelope({ _meta: { ...CAPS, progressToken: 1 } }), false);
  assert.equal(claimsModernEnvelope({ _meta: { 'io.modelcontextprotocol/protocolversion': '2026-07-28' } }), false);
  assert.equal(claimsModernEnvelope(undefined), false);
});

test('a complete envelope is valid and yields its log level and progress token', () => {
  const check = checkEnvelope(envelope({ [META.logLevel]: 'warning', progressToken: 'p1', [META.clientInfo]: { name: 'c', version: '1' } }));
  assert.deepEqual(check, { kind: 'valid', envelope: { version: '2026-07-28', clientCapabilities: {}, logLevel: 'warning', progressToken: 'p1' } });
});

test('missing or malformed keys are -32602 naming the key; an unknown version is -32022 with supported and requested', () => {
  const cases: Array<[Record<string, unknown> | undefined, string, RegExp]> = [
    [undefined, 'INVALID_ENVELOPE', /protocolVersion"\] is required/],
    [{ _meta: { ...CAPS } }, 'INVALID_ENVELOPE', /protocolVersion"\] is required/],
    [{ _meta: { [META.protocolVersion]: 2026, ...CAPS } }, 'INVALID_ENVELOPE', /must be a string/],
    [{ _meta: { [META.protocolVersion]: '2026-07-28' } }, 'INVALID_ENVELOPE', /clientCapabilities"\] is required/],
    [envelope({ [META.clientCapabilities]: [] }), 'INVALID_ENVELOPE', /clientCapabilities"\] must be an object/],
    [envelope({ [META.clientInfo]: 'me' }), 'INVALID_ENVELOPE', /clientInfo/],
    [envelope({ [META.logLevel]: 'loud' }), 'INVALID_ENVELOPE', /logLevel/],
    [envelope({ [META.protocolVersion]: '2099-01-01' }), 'UNSUPPORTED_VERSION', /Unsupported protocol version: "2099-01-01"/],
  ];
  for (const [params, code, message] of cases) {
    const check = checkEnvelope(params);
    assert.equal(check.kind, 'invalid', JSON.stringify(params));
    if (check.kind !== 'invalid') continue;
    assert.equal(check.code, code, JSON.stringify(params));
    assert.match(check.message, message);
  }
  const unknown = checkEnvelope(envelope({ [META.protocolVersion]: '2025-06-18' }));
  assert.deepEqual(unknown.kind === 'invalid' && unknown.data, { supported: [...SUPPORTED_VERSIONS], requested: '2025-06-18' });
  assert.equal(SUPPORTED_VERSIONS[0], '2026-07-28');
});

test('what goes upstream keeps progressToken, trace and other keys, and drops the envelope', () => {
  const request: JsonRpcRequest = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', ...envelope({ progressToken: 3, traceparent: 't', [META.clientInfo]: { name: 'c', version: '1' }, [META.logLevel]: 'info' }) } };
  assert.deepEqual(withoutEnvelope(request).params, { name: 'x', _meta: { progressToken: 3, traceparent: 't' } });
  assert.deepEqual(withoutEnvelope({ ...request, params: { name: 'x', ...envelope() } }).params, { name: 'x' });
  assert.equal((request.params!['_meta'] as Record<string, unknown>)[META.protocolVersion], '2026-07-28', 'the original is not changed');
});

test('notifications/message passes only when the request asked for that level or a lower one', () => {
  assert.equal(logLevelAdmits(undefined, 'emergency'), false);
  assert.equal(logLevelAdmits('warning', 'error'), true);
  assert.equal(logLevelAdmits('warning', 'warning'), true);
  assert.equal(logLevelAdmits('warning', 'info'), false);
  assert.equal(logLevelAdmits('debug', 'nonsense'), false);
});
