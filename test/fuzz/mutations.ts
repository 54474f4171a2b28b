// Turns a message into the bytes a hostile or broken client might send: structural mutations on the
// JSON tree, then at most one on the text or bytes. `mustRefuse` names a mutation after which the
// issue says the gateway must answer with an error and forward nothing.
import fc from 'fast-check';
import { fromValue, get, leaves, objects, raw, render, type JsonNode } from './json-tree.js';
import { anyMessage, notification, request, response, type Message } from './message-arbitraries.js';

export interface FuzzCase {
  bytes: Buffer;
  /** Set when a mutation makes the message one the gateway must refuse. */
  mustRefuse: string | undefined;
  /** The message has newlines between tokens: over stdio it is several lines. */
  multiline: boolean;
  tags: string[];
  /** Where a stdio writer splits the bytes into chunks (fractions of the length). */
  splits: number[];
  /** Index into the HTTP header variants (0: a sound in-session request). */
  variant: number;
}

const TREE_MUTATIONS = ['wrongType', 'extraKey', 'idless', 'dupKey', 'caseKey', 'nonFinite', 'loneSurrogate', 'unsafeId', 'nearMissMethod', 'deepNest'] as const;
type TreeMutation = (typeof TREE_MUTATIONS)[number];
const TEXT_MUTATIONS = ['none', 'none', 'none', 'trailing', 'truncate', 'badUtf8', 'controlChar', 'bom', 'pretty', 'randomBytes'] as const;

const ROOT_KEYS = ['jsonrpc', 'id', 'method', 'params', 'result', 'error'];
const NEAR_METHODS = ['Tools/call', 'tools/call ', 'tools/call\u200b', '\uff54ools/call', 'TOOLS/LIST', 'tools/Call', ' tools/call', 'tools/call\u00ad'];
const NON_FINITE = ['NaN', 'Infinity', '-Infinity', '1e400', '-1e999', '1E+309'];
const UNSAFE_IDS = ['9007199254740993', '-9007199254740993', '9007199254740992', '1e300', '18446744073709551616'];
const TRAILING = ['x', '}', '{}', ',', ' 1', '\u0000', ']', '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"transfer"}}', 'null'];
const BAD_UTF8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80]];

export interface Plan {
  message: Message;
  tree: TreeMutation[];
  text: (typeof TEXT_MUTATIONS)[number];
  batchWith: Message[];
  dice: number[];
  payload: unknown;
  splits: number[];
  variant: number;
}

export const plan: fc.Arbitrary<Plan> = fc.record({
  message: anyMessage,
  tree: fc.oneof({ weight: 1, arbitrary: fc.constant([] as TreeMutation[]) }, { weight: 3, arbitrary: fc.uniqueArray(fc.constantFrom(...TREE_MUTATIONS), { minLength: 1, maxLength: 2 }) }),
  text: fc.constantFrom(...TEXT_MUTATIONS),
  batchWith: fc.oneof({ weight: 9, arbitrary: fc.constant([] as Message[]) }, { weight: 1, arbitrary: fc.array(fc.oneof(notification, notification, response, request), { minLength: 1, maxLength: 3 }) }),
  dice: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
  payload: fc.oneof(fc.constantFrom<unknown>(2, '1.0', null, true, [], {}, 'x', 1.5, [1], { name: 'transfer' }, -1), fc.string({ maxLength: 5 })),
  splits: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }),
  variant: fc.oneof({ weight: 17, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.nat(40) }),
});

/** Builds the case a plan describes. */
export function buildCase(p: Plan): FuzzCase {
  const tree = fromValue(p.message);
  const tags: string[] = [];
  let mustRefuse: string | undefined;
  const die = (i: number, n: number): number => (n <= 0 ? 0 : p.dice[i % p.dice.length]! % n);
  const order = [...p.tree].sort((a, b) => TREE_MUTATIONS.indexOf(a) - TREE_MUTATIONS.indexOf(b));
  if (order.includes('idless') && order.includes('unsafeId')) order.splice(order.indexOf('idless'), 1);
  for (const [step, mutation] of order.entries()) {
    const refuse = applyTree(mutation, tree, p, (n) => die(step * 3, n), (n) => die(step * 3 + 1, n));
    tags.push(mutation);
    if (refuse) mustRefuse ??= mutation;
  }
  // A non-string or empty tool name is refused (as -32602) wherever it came from.
  const name = get(get(tree, 'params') ?? raw('null'), 'name');
  if (isToolCall(tree) && name && (name.t !== 'raw' || !name.text.startsWith('"') || name.text === '""')) mustRefuse ??= 'nonStringName';
  let root: JsonNode = tree;
  if (p.batchWith.length > 0) {
    root = { t: 'arr', items: [tree, ...p.batchWith.map(fromValue)] };
    tags.push('batch');
    if (hasId(tree) || p.batchWith.some((m) => 'method' in m && 'id' in m)) mustRefuse ??= 'batchWithRequest';
  }
  const text = p.text === 'pretty' ? render(root, true) : render(root);
  let bytes: Buffer = Buffer.from(text, 'utf8');
  if (p.text !== 'none') tags.push(p.text);
  switch (p.text) {
    case 'trailing':
      bytes = Buffer.concat([bytes, Buffer.from(TRAILING[die(7, TRAILING.length)]!)]);
      mustRefuse ??= 'trailing';
      break;
    case 'truncate':
      bytes = bytes.subarray(0, 1 + die(6, bytes.length - 1));
      mustRefuse ??= 'truncate';
      break;
    case 'badUtf8': {
      const at = die(6, bytes.length);
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(BAD_UTF8[die(7, BAD_UTF8.length)]!), bytes.subarray(at)]);
      mustRefuse ??= 'badUtf8';
      break;
    }
    case 'controlChar': {
      const at = die(6, bytes.length);
      const control = [1, 2, 8, 11, 12, 14, 27, 31][die(7, 8)]!;
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([control]), bytes.subarray(at)]);
      mustRefuse ??= 'controlChar';
      break;
    }
    case 'bom':
      bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
      break;
    case 'randomBytes':
      bytes = randomBytes(p.dice[7]!, die(5, 200));
      mustRefuse = 'randomBytes';
      break;
    default:
      break;
  }
  return { bytes, mustRefuse, multiline: p.text === 'pretty' || (p.text === 'randomBytes' && bytes.includes(0x0a)), tags, splits: p.splits, variant: p.variant };
}

/** Applies one structural mutation; returns true when the result must be refused. */
function applyTree(mutation: TreeMutation, tree: JsonNode, p: Plan, pick: (n: number) => number, pick2: (n: number) => number): boolean {
  if (tree.t !== 'obj') return false;
  switch (mutation) {
    case 'wrongType': {
      const keys = tree.entries.map(([key]) => key);
      const params = get(tree, 'params');
      const targets = [...keys.map((key) => [tree, key] as const), ...(params?.t === 'obj' ? params.entries.map(([key]) => [params, key] as const) : [])];
      const [owner, key] = targets[pick(targets.length)]!;
      const entry = owner.t === 'obj' ? owner.entries.find(([k]) => k === key) : undefined;
      if (!entry) return false;
      const before = entry[1];
      entry[1] = fromValue(p.payload);
      if (render(before) === render(entry[1])) return false;
      const value = p.payload;
      if (owner === tree) {
        if (key === 'jsonrpc') return value !== '2.0';
        if (key === 'method') return typeof value !== 'string' || value === '';
        if (key === 'id') return !(typeof value === 'string' || Number.isSafeInteger(value) || (value === null && !hasMethod(tree)));
        return key === 'params' && hasMethod(tree) && entry[1].t !== 'obj';
      }
      // A non-string name is caught after all mutations; arguments must stay an object.
      return isToolCall(tree) && key === 'arguments' && entry[1].t !== 'obj';
    }
    case 'extraKey':
      tree.entries.splice(pick(tree.entries.length + 1), 0, [['extra', 'Jsonrpc2', '__proto__', 'x-method'][pick2(4)]!, fromValue(p.payload)]);
      return false;
    case 'idless': {
      const index = tree.entries.findIndex(([key]) => key === 'id');
      if (index === -1 || !hasMethod(tree)) return false;
      tree.entries.splice(index, 1);
      const method = get(tree, 'method');
      return !(method?.t === 'raw' && method.text.startsWith('"notifications/'));
    }
    case 'dupKey': {
      const all = objects(tree);
      const target = all[pick(all.length)]!;
      const entries = target.node.entries;
      if (entries.length === 0) entries.push(['k', raw('1')]);
      const [key] = entries[pick2(entries.length)]!;
      const duplicate: JsonNode = key === 'name' ? fromValue('transfer') : key === 'method' ? fromValue('tools/call') : fromValue(p.payload);
      entries.splice(pick2(entries.length + 1), 0, [key, duplicate]);
      return true;
    }
    case 'caseKey': {
      const params = get(tree, 'params');
      const scopes = params?.t === 'obj' && params.entries.length > 0 && hasMethod(tree) ? [tree, params] : [tree];
      const scope = scopes[pick(scopes.length)]! as Extract<JsonNode, { t: 'obj' }>;
      const known = scope === tree ? scope.entries.filter(([key]) => ROOT_KEYS.includes(key)) : scope.entries.filter(([key]) => ['name', 'arguments', '_meta', 'cursor', 'uri', 'level', 'requestId'].includes(key));
      const chosen = known[pick2(Math.max(known.length, 1))];
      if (!chosen) return false;
      const variant = caseVariant(chosen[0], pick2(3));
      if (pick(2) === 0) chosen[0] = variant;
      else scope.entries.push([variant, chosen[0] === 'name' ? fromValue('transfer') : chosen[1]]);
      return true;
    }
    case 'nonFinite':
    case 'loneSurrogate': {
      const all = leaves(tree);
      const literal = mutation === 'nonFinite' ? NON_FINITE[pick2(NON_FINITE.length)]! : ['"\\ud800"', '"echo\\udbff"', '"\\udc00x"', '"\\uDFFF\\uD800"'][pick2(4)]!;
      if (all.length === 0 || pick(4) === 0) {
        const params = get(tree, 'params');
        const host = params?.t === 'obj' ? params : tree;
        host.entries.push([mutation === 'loneSurrogate' && pick2(2) === 0 ? '\ud800' : 'n', raw(literal)]);
      } else all[pick(all.length)]!.set(raw(literal));
      return true;
    }
    case 'unsafeId': {
      const entry = tree.entries.find(([key]) => key === 'id');
      if (entry) entry[1] = raw(UNSAFE_IDS[pick(UNSAFE_IDS.length)]!);
      else tree.entries.push(['id', raw(UNSAFE_IDS[pick(UNSAFE_IDS.length)]!)]);
      return true;
    }
    case 'nearMissMethod': {
      const entry = tree.entries.find(([key]) => key === 'method');
      if (!entry) return false;
      entry[1] = fromValue(NEAR_METHODS[pick(NEAR_METHODS.length)]!);
      return true;
    }
    case 'deepNest': {
      const deep = pick(3) === 0;
      const levels = deep ? 65 + pick2(3000) : 1 + pick2(50);
      const inner = '{"a":'.repeat(levels % 2 === 0 ? 0 : 1);
      const text = inner + '['.repeat(levels) + '1' + ']'.repeat(levels) + (inner ? '}' : '');
      const params = get(tree, 'params');
      (params?.t === 'obj' ? params : tree).entries.push(['nested', raw(text)]);
      return deep;
    }
  }
}

function caseVariant(key: string, how: number): string {
  if (how === 0) return key.toUpperCase();
  if (how === 1) return key.replace(/[a-z]/, (char) => char.toUpperCase());
  return key.replace(/[a-z](?=[^a-z]*$)/, (char) => char.toUpperCase());
}

function hasMethod(tree: JsonNode): boolean {
  return tree.t === 'obj' && tree.entries.some(([key]) => key === 'method');
}

function hasId(tree: JsonNode): boolean {
  return hasMethod(tree) && tree.t === 'obj' && tree.entries.some(([key]) => key === 'id');
}

function isToolCall(tree: JsonNode): boolean {
  const method = get(tree, 'method');
  return method?.t === 'raw' && method.text === '"tools/call"';
}

/** Bytes from a small PRNG seeded by the plan (cheaper than a generated array, as reproducible). */
function randomBytes(seed: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed | 1;
  for (let i = 0; i < length; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** A body larger than the bound, in the shape of a sound tools/call. */
export function oversizeBody(limit: number, extra: number): Buffer {
  const head = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"transfer","arguments":{"pad":"';
  const tail = '"}}}';
  return Buffer.concat([Buffer.from(head), Buffer.alloc(limit - head.length - tail.length + extra, 0x61), Buffer.from(tail)]);
}
