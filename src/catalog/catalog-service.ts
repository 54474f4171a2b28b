// The running gateway's catalog: records every listing it sees (classifying only when something
// changed), answers a tool's class on the hot path from memory, says which tools drift holds, and
// audits every new or changed tool. The store is the truth; the memory copy is a cache of it.
import type { AuditEvent, AuditSink } from '../audit/audit-sink.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { DriftAction, ToolClass } from '../policy/types.js';
import type { CatalogChange, CatalogEntry, CatalogStore, ObservedTool } from './catalog-store.js';
import { classifyTools } from './classify-tool.js';
import { toolFingerprint } from './fingerprint.js';
import { invalidNameReason, isNameFlag, nameFlag, nameKey } from './tool-names.js';
import type { ToolDefinition } from './tool-types.js';
import { isObject } from '../lib/is-object.js';

/** The policy fields drift obeys (`on_change`, `on_new`). */
export interface DriftPolicy {
  onChange?: DriftAction;
  onNew?: DriftAction;
}

/** Why a tool is held: answered as an unknown tool, audited with this rule and reason. */
export interface Hold {
  rule: 'catalog.changed' | 'catalog.new' | 'catalog.name';
  reason: string;
}

export interface CatalogServiceOptions {
  store: CatalogStore;
  clock: Clock;
  logger: Logger;
  /** New and changed tools are recorded here, one event each. */
  audit?: AuditSink;
  /** The live drift policy of a server (read when a change is audited or a tool is judged). */
  driftPolicy(server: string): DriftPolicy | undefined;
}

export interface CatalogService {
  /** Records a complete listing of a server's tools (raw `tools/list` items); malformed items are skipped. */
  observe(server: string, tools: readonly unknown[]): CatalogChange[];
  /** The tool's class, from memory; undefined while the catalog has not seen the tool. */
  classOf(server: string, tool: string): ToolClass | undefined;
  /** Whether the tool is refused: its name is invalid or collides (`catalog.name`, never released
   *  by an accept), or drift holds it; a drift-held tool is re-read from the store, so an accept from
   *  another process (the CLI) releases it at once. */
  holdOf(server: string, tool: string): Hold | undefined;
  /** Whether the catalog has seen the tool. */
  knows(server: string, tool: string): boolean;
  list(server?: string): CatalogEntry[];
  accept(server: string, tool: string): CatalogEntry | undefined;
  /** Re-reads every held tool from the store; the servers of which an accept (from another
   *  process) released one since, so their clients can be told to list again. */
  releasedHolds(): string[];
}

/** An unchanged listing is written again at most this often (to move `lastSeen`). */
const TOUCH_MS = 60_000;

export function createCatalogService(options: CatalogServiceOptions): CatalogService {
  const { store, clock, logger } = options;
  const cache = new Map<string, Map<string, CatalogEntry>>();
  const lastWrite = new Map<string, { signature: string; at: number }>();
  for (const entry of store.list()) serverCache(entry.server).set(entry.name, entry);

  function serverCache(server: string): Map<string, CatalogEntry> {
    let map = cache.get(server);
    if (!map) cache.set(server, (map = new Map()));
    return map;
  }

  function observe(server: string, raw: readonly unknown[]): CatalogChange[] {
    const tools = wellFormed(raw);
    if (tools.length < raw.length) logger.warn({ server, skipped: raw.length - tools.length }, 'catalog: skipped malformed tool definitions');
    const fingerprints = tools.map(toolFingerprint);
    const signature = tools.map((tool, index) => `${tool.name}\u0000${fingerprints[index]}`).join('\u0001');
    const now = clock.now();
    const last = lastWrite.get(server);
    if (last && last.signature === signature && now - last.at < TOUCH_MS) return [];
    // Classified together: each tool's siblings are part of its evidence.
    const classifications = classifyTools(tools);
    const observed: ObservedTool[] = tools.map((definition, index) => ({ definition, classification: classifications[index]! }));
    const changes = store.record(server, observed, now);
    lastWrite.set(server, { signature, at: now });
    const entries = serverCache(server);
    for (const entry of store.list(server)) entries.set(entry.name, entry);
    keyIndexes.delete(server); // names may have been added: indexed again on the next lookup
    for (const change of changes) auditChange(change, now);
    return changes;
  }

  function auditChange(change: CatalogChange, now: number): void {
    const held = holdFor(change.entry, options.driftPolicy(change.entry.server));
    const what =
      change.kind === 'new'
        ? `new tool "${change.entry.name}" (${change.entry.category}, risk ${change.entry.risk}) appeared after the first listing`
        : `definition of "${change.entry.name}" changed: ${change.fields.join(', ') || 'definition'} (fingerprint ${short(change.previous.fingerprint)} → ${short(change.entry.fingerprint)})`;
    const flags = change.entry.flags.length > 0 ? `; flags: ${change.entry.flags.join('; ')}` : '';
    logger.warn({ server: change.entry.server, tool: change.entry.name, held: held !== undefined }, `catalog: ${what}`);
    const event: AuditEvent = {
      time: now,
      server: change.entry.server,
      grantId: 'catalog',
      tool: change.entry.name,
      decision: held ? 'deny' : 'allow',
      rule: `catalog.${change.kind}`,
      reason: `${what}${held ? '; held until an operator accepts it (toolgate catalog accept)' : ''}${flags}`,
      argKeys: [],
      argHash: '',
      upstreamStatus: 'not_sent',
    };
    options.audit?.record(event);
  }

  // Per server, each listed name's `nameKey`: an unlisted spelling is found with one lookup, not by
  // normalising every listed name on each call. Built on first use, dropped when a listing adds names.
  const keyIndexes = new Map<string, Map<string, string>>();
  function keyIndex(server: string, entries: ReadonlyMap<string, CatalogEntry>): ReadonlyMap<string, string> {
    let index = keyIndexes.get(server);
    if (!index) keyIndexes.set(server, (index = new Map([...entries.keys()].map((name) => [nameKey(name), name]))));
    return index;
  }

  function holdOf(server: string, tool: string): Hold | undefined {
    const entries = cache.get(server);
    const cached = entries?.get(tool);
    const named = nameHold(tool, cached, cached || !entries ? undefined : keyIndex(server, entries));
    if (named) return named;
    if (!cached || !entries) return undefined;
    const policy = options.driftPolicy(server);
    if (holdFor(cached, policy) === undefined) return undefined;
    // Held in memory: the operator may have accepted it since, from another process.
    const fresh = store.get(server, tool) ?? cached;
    entries.set(tool, fresh);
    return holdFor(fresh, policy);
  }

  function releasedHolds(): string[] {
    const released = new Set<string>();
    for (const [server, entries] of cache) {
      const policy = options.driftPolicy(server);
      if (policy?.onChange !== 'block' && policy?.onNew !== 'block') continue;
      for (const [tool, cached] of entries) {
        if (holdFor(cached, policy) === undefined) continue;
        const fresh = store.get(server, tool) ?? cached;
        entries.set(tool, fresh);
        if (holdFor(fresh, policy) === undefined) released.add(server);
      }
    }
    return [...released];
  }

  return {
    observe,
    releasedHolds,
    classOf: (server, tool) => cache.get(server)?.get(tool)?.category,
    holdOf,
    knows: (server, tool) => cache.get(server)?.has(tool) === true,
    list: (server) => store.list(server),
    accept: (server, tool) => {
      const accepted = store.accept(server, tool, clock.now());
      if (accepted) serverCache(server).set(tool, accepted);
      return accepted;
    },
  };
}

/** A name the spec does not allow, one flagged as colliding in the server's listing, or an unlisted
 *  spelling of a listed tool (`Delete_File` when only `delete_file` exists): refused, never matched
 *  loosely. A listed tool's name was checked with its listing: the result is in its flags.
 *  `listedKeys`: the server's listed names by `nameKey`, for an unlisted name. */
function nameHold(tool: string, cached: CatalogEntry | undefined, listedKeys: ReadonlyMap<string, string> | undefined): Hold | undefined {
  if (cached) {
    const flag = cached.flags.find(isNameFlag);
    return flag === undefined ? undefined : { rule: 'catalog.name', reason: flag };
  }
  const invalid = invalidNameReason(tool);
  if (invalid !== undefined) return { rule: 'catalog.name', reason: nameFlag({ kind: 'invalid_name', name: tool, reason: invalid }) };
  const listed = listedKeys?.get(nameKey(tool));
  if (listed !== undefined) return { rule: 'catalog.name', reason: `name_collision: "${tool}" is not listed, but is the same name as listed "${listed}" after normalisation` };
  return undefined;
}

export function holdFor(entry: CatalogEntry, policy: DriftPolicy | undefined): Hold | undefined {
  if (entry.isNew && policy?.onNew === 'block') {
    return { rule: 'catalog.new', reason: `tool "${entry.name}" is new and held until an operator accepts it` };
  }
  if (entry.fingerprint !== entry.pinnedFingerprint && policy?.onChange === 'block') {
    return { rule: 'catalog.changed', reason: `tool "${entry.name}" changed its definition and is held until an operator accepts it` };
  }
  return undefined;
}

function wellFormed(raw: readonly unknown[]): ToolDefinition[] {
  const tools: ToolDefinition[] = [];
  for (const item of raw) {
    if (!isObject(item)) continue;
    const { name, description, inputSchema, annotations } = item;
    if (typeof name !== 'string' || name === '') continue;
    if (description !== undefined && typeof description !== 'string') continue;
    if (inputSchema !== undefined && !isObject(inputSchema)) continue;
    if (annotations !== undefined && !isObject(annotations)) continue;
    tools.push(item as ToolDefinition);
  }
  return tools;
}


function short(fingerprint: string): string {
  return `${fingerprint.slice(0, 12)}…`;
}
