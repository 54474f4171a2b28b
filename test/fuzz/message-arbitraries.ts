// fast-check arbitraries for MCP messages a client may send: every method, responses to server
// requests, and tools/call with allowed, denied, hidden and near-miss tool names.
import fc from 'fast-check';
import { SERVER_TOOLS } from './fuzz-policy.js';

export type Message = Record<string, unknown>;

const LOOK_ALIKES: Record<string, string> = { o: '\u043e', e: '\u0435', a: '\u0430', c: '\u0441', p: '\u0440', x: '\u0445', i: '\u0456' };

/** One tool name spelled almost like a real one: a name the policy must not confuse with it. */
function nearMiss(name: string, how: number): string {
  switch (how % 10) {
    case 0: return name.toUpperCase();
    case 1: return name[0]!.toUpperCase() + name.slice(1);
    case 2: return `${name} `;
    case 3: return ` ${name}`;
    case 4: return `${name}\u200b`;
    case 5: return name.replace(/[oeacpxi]/, (char) => LOOK_ALIKES[char] ?? char);
    case 6: return name.replace(/[a-z]/, (char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0)); // fullwidth
    case 7: return `${name}\t`;
    case 8: return `${name}\u0000`;
    default: return name.normalize('NFD').replace(/e/, 'e\u0301');
  }
}

export const toolName: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SERVER_TOOLS) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...SERVER_TOOLS), fc.nat()).map(([name, how]) => nearMiss(name, how)) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(1, ['echo'], { name: 'echo' }, null, true, '', 'unknown_tool', 'tools/call') },
);

const jsonLeaf = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const smallJson = fc.jsonValue({ maxDepth: 2, depthSize: 'xsmall' });

const toolArguments = fc.oneof(
  fc.record({ text: fc.string({ maxLength: 20 }) }, { requiredKeys: [] }),
  fc.record({ amount: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.double({ noNaN: true })), to: fc.string({ maxLength: 8 }), currency: fc.constantFrom('USD', 'EUR') }, { requiredKeys: [] }),
  fc.dictionary(fc.string({ maxLength: 8 }), jsonLeaf, { maxKeys: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), smallJson, { maxKeys: 3 }),
);

const progressMeta = fc.option(fc.record({ progressToken: fc.oneof(fc.string({ maxLength: 6 }), fc.integer()) }), { nil: undefined });

const requestParams: Array<[string, fc.Arbitrary<Message | undefined>]> = [
  ['initialize', fc.record({ protocolVersion: fc.constantFrom('2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '1999-01-01'), capabilities: fc.constant({}), clientInfo: fc.constant({ name: 'fuzz', version: '1' }) })],
  ['ping', fc.constant(undefined)],
  ['tools/list', fc.option(fc.record({ cursor: fc.string({ maxLength: 6 }) }), { nil: undefined })],
  ['tools/call', fc.record({ name: toolName, arguments: toolArguments, _meta: progressMeta }, { requiredKeys: ['name'] })],
  ['resources/list', fc.constant({})],
  ['resources/read', fc.record({ uri: fc.constantFrom('file:///etc/passwd', 'https://example.com/r', 'mem://x', '') })],
  ['resources/templates/list', fc.constant({})],
  ['resources/subscribe', fc.record({ uri: fc.constant('file:///x') })],
  ['prompts/list', fc.constant({})],
  ['prompts/get', fc.record({ name: fc.string({ maxLength: 8 }), arguments: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }) })],
  ['completion/complete', fc.constant({ ref: { type: 'ref/prompt', name: 'p' }, argument: { name: 'a', value: 'b' } })],
  ['logging/setLevel', fc.record({ level: fc.constantFrom('debug', 'info', 'error', 'loud') })],
  ['server/discover', fc.constant({ _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } })],
  ['sampling/createMessage', fc.constant({ messages: [], maxTokens: 1 })],
  ['vendor/unknown', fc.option(fc.dictionary(fc.string({ maxLength: 6 }), smallJson, { maxKeys: 3 }) as fc.Arbitrary<Message>, { nil: undefined })],
];

const notificationParams: Array<[string, fc.Arbitrary<Message | undefined>]> = [
  ['notifications/initialized', fc.constant(undefined)],
  ['notifications/cancelled', fc.record({ requestId: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom('1', 'a', 'x')), reason: fc.string({ maxLength: 8 }) }, { requiredKeys: ['requestId'] })],
  ['notifications/progress', fc.record({ progressToken: fc.integer({ min: 0, max: 9 }), progress: fc.nat() })],
  ['notifications/roots/list_changed', fc.constant(undefined)],
];

const withParams = (base: Message, params: Message | undefined): Message => (params === undefined ? base : { ...base, params: dropUndefined(params) });

function dropUndefined(record: Message): Message {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

// Often from a small pool, so ids collide with requests still in flight and cancellations hit them.
export const messageId = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom('1', 'a', 'x'), fc.integer({ min: 0, max: 1_000_000 }), fc.string({ minLength: 1, maxLength: 10 }));

export const request: fc.Arbitrary<Message> = fc.oneof(
  ...requestParams.map(([method, params], index) =>
    ({ weight: method === 'tools/call' ? 30 : index === 0 ? 1 : 3, arbitrary: fc.tuple(messageId, params).map(([id, p]) => withParams({ jsonrpc: '2.0', id, method }, p)) })),
);

export const notification: fc.Arbitrary<Message> = fc.oneof(...notificationParams.map(([method, params]) => params.map((p) => withParams({ jsonrpc: '2.0', method }, p))));

export const response: fc.Arbitrary<Message> = fc.tuple(messageId, fc.boolean()).map(([id, ok]) =>
  ok ? { jsonrpc: '2.0', id, result: { roots: [] } } : { jsonrpc: '2.0', id, error: { code: -32601, message: 'no' } });

export const anyMessage: fc.Arbitrary<Message> = fc.oneof({ weight: 8, arbitrary: request }, { weight: 2, arbitrary: notification }, { weight: 1, arbitrary: response });
