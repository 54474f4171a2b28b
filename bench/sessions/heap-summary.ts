// Reads a V8 .heapsnapshot (the JSON that `node --heapsnapshot-signal` writes) and totals its nodes
// by constructor (objects, closures, native) or by kind (strings, arrays, code), so two snapshots can
// be compared: what a thousand sessions leave in the gateway's heap, and how much of it.
import { readFileSync } from 'node:fs';

export interface HeapGroup {
  name: string;
  count: number;
  bytes: number;
}

export interface HeapSummary {
  totalBytes: number;
  nodes: number;
  groups: Map<string, HeapGroup>;
  /** The same nodes keyed by group and first strong retainer: `(array) ← Map.table`. */
  byRetainer: Map<string, HeapGroup>;
  /** Every node counted under the nearest object up its retainer chain that has a class of its own
   *  (not Object, Array, Promise, a context or an anonymous closure): who holds the memory. */
  byOwner: Map<string, HeapGroup>;
}

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const NAMED_KINDS = new Set(['object', 'closure', 'native']);

/** `depth`: how many retainers up the `byRetainer` key names (1: the direct one). */
export function summarizeHeapSnapshot(file: string, depth = 1): HeapSummary {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawSnapshot;
  const meta = raw.snapshot.meta;
  const width = meta.node_fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => meta.node_fields.indexOf(field)) as [number, number, number];
  const kinds = meta.node_types[0];
  const groupOf = (node: number): string => {
    const kind = kinds[raw.nodes[node + typeAt]!] ?? '?';
    return NAMED_KINDS.has(kind) ? `${raw.strings[raw.nodes[node + nameAt]!] ?? '?'}${kind === 'closure' ? ' (closure)' : ''}` : `(${kind})`;
  };
  const retainers = firstRetainers(raw);
  const groups = new Map<string, HeapGroup>();
  const byRetainer = new Map<string, HeapGroup>();
  const byOwner = new Map<string, HeapGroup>();
  let totalBytes = 0;
  for (let node = 0; node < raw.nodes.length; node += width) {
    const bytes = raw.nodes[node + sizeAt]!;
    totalBytes += bytes;
    const name = groupOf(node);
    add(groups, name, bytes);
    add(byRetainer, `${name}${retainerPath(retainers, groupOf, node, depth)}`, bytes);
    add(byOwner, ownerOf(retainers, groupOf, node), bytes);
  }
  return { totalBytes, nodes: raw.nodes.length / width, groups, byRetainer, byOwner };
}

function add(groups: Map<string, HeapGroup>, name: string, bytes: number): void {
  const group = groups.get(name) ?? { name, count: 0, bytes: 0 };
  group.count++;
  group.bytes += bytes;
  groups.set(name, group);
}

const GENERIC = new Set(['Object', 'Array', 'Promise', 'Map', 'Set', 'system / Context', ' (closure)', 'Generator', 'native_bind (closure)']);
const OWNER_SEARCH_DEPTH = 16;

function ownerOf(retainers: Map<number, Retainer>, groupOf: (node: number) => string, node: number): string {
  let at = node;
  for (let level = 0; level <= OWNER_SEARCH_DEPTH; level++) {
    const name = groupOf(at);
    if (!name.startsWith('(') && !GENERIC.has(name)) return name;
    const retainer = retainers.get(at);
    if (!retainer) return '(no owner: root)';
    at = retainer.from;
  }
  return '(no owner within 16 retainers)';
}

interface Retainer {
  from: number;
  edge: string;
}

function retainerPath(retainers: Map<number, Retainer>, groupOf: (node: number) => string, node: number, depth: number): string {
  let path = '';
  let at = node;
  for (let level = 0; level < depth; level++) {
    const retainer = retainers.get(at);
    if (!retainer) return `${path} ← (root)`;
    path += ` ← ${groupOf(retainer.from)}.${retainer.edge}`;
    at = retainer.from;
  }
  return path;
}

/** node offset → the node and edge name of the first strong edge that reaches it. */
function firstRetainers(raw: RawSnapshot): Map<number, Retainer> {
  const meta = raw.snapshot.meta;
  const width = meta.node_fields.length;
  const edgeWidth = meta.edge_fields.length;
  const edgeCountAt = meta.node_fields.indexOf('edge_count');
  const [edgeTypeAt, edgeNameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((field) => meta.edge_fields.indexOf(field)) as [number, number, number];
  const edgeKinds = meta.edge_types[0];
  const retainers = new Map<number, Retainer>();
  let edge = 0;
  for (let node = 0; node < raw.nodes.length; node += width) {
    const count = raw.nodes[node + edgeCountAt]!;
    for (let i = 0; i < count; i++, edge += edgeWidth) {
      const to = raw.edges[edge + toAt]!;
      if (retainers.has(to)) continue;
      const kind = edgeKinds[raw.edges[edge + edgeTypeAt]!];
      if (kind === 'weak' || kind === 'shortcut') continue;
      const nameOrIndex = raw.edges[edge + edgeNameAt]!;
      const edgeName = kind === 'element' || kind === 'hidden' ? '[]' : (raw.strings[nameOrIndex] ?? '?');
      retainers.set(to, { from: node, edge: edgeName });
    }
  }
  return retainers;
}

export interface HeapGrowth {
  name: string;
  count: number;
  bytes: number;
}

/** Groups that grew from `before` to `after`, largest growth in bytes first. */
export function heapGrowth(before: HeapSummary, after: HeapSummary, top = 30, key: 'groups' | 'byRetainer' | 'byOwner' = 'groups'): HeapGrowth[] {
  const growth: HeapGrowth[] = [];
  for (const group of after[key].values()) {
    const old = before[key].get(group.name);
    growth.push({ name: group.name, count: group.count - (old?.count ?? 0), bytes: group.bytes - (old?.bytes ?? 0) });
  }
  return growth.sort((a, b) => b.bytes - a.bytes).slice(0, top);
}
