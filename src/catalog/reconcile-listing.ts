// The pure heart of the catalog stores: given what the store holds for a server and a new listing,
// the rows to write and the changes to report. Both backends run it inside their own transaction.
import { canonicalJson } from '../lib/hash.js';
import { statusOf, type CatalogChange, type CatalogEntry, type ObservedTool } from './catalog-store.js';
import type { ToolDefinition } from './tool-types.js';

export interface Reconciled {
  entries: CatalogEntry[];
  changes: CatalogChange[];
}

/** `listedBefore`: the server had a complete listing already, so an unknown tool is new. */
export function reconcileListing(
  server: string,
  existing: ReadonlyMap<string, CatalogEntry>,
  tools: readonly ObservedTool[],
  listedBefore: boolean,
  now: number,
): Reconciled {
  const entries: CatalogEntry[] = [];
  const changes: CatalogChange[] = [];
  const seen = new Set<string>();
  for (const { definition, classification } of tools) {
    // A server listing one name twice: the first definition counts, as a client would keep it.
    if (seen.has(definition.name)) continue;
    seen.add(definition.name);
    const previous = existing.get(definition.name);
    const fingerprint = classification.fingerprint;
    const isNew = previous ? previous.isNew : listedBefore;
    const base = {
      server,
      name: definition.name,
      definition,
      category: classification.category,
      risk: classification.risk,
      confidence: classification.confidence,
      reasons: classification.reasons,
      flags: classification.flags,
      fingerprint,
      pinnedFingerprint: previous?.pinnedFingerprint ?? fingerprint,
      isNew,
      firstSeen: previous?.firstSeen ?? now,
      lastSeen: now,
    };
    const changed = previous !== undefined && previous.fingerprint !== fingerprint;
    const changedAt = changed ? now : previous?.changedAt;
    const entry: CatalogEntry = {
      ...base,
      status: 'pinned',
      ...(changedAt !== undefined ? { changedAt } : {}),
      ...(previous?.acceptedAt !== undefined ? { acceptedAt: previous.acceptedAt } : {}),
    };
    entry.status = statusOf(entry);
    entries.push(entry);
    if (previous === undefined && isNew) changes.push({ kind: 'new', entry });
    else if (changed) changes.push({ kind: 'changed', entry, previous, fields: changedFields(previous.definition, definition) });
  }
  return { entries, changes };
}

const FIELDS = ['description', 'inputSchema', 'annotations', 'title'] as const;

/** Which parts of a definition differ, e.g. `["description", "inputSchema"]`. */
export function changedFields(before: ToolDefinition, after: ToolDefinition): string[] {
  return FIELDS.filter((field) => canonicalJson(before[field] ?? null) !== canonicalJson(after[field] ?? null));
}

/** The entry after an operator accepted its current definition. */
export function acceptedEntry(entry: CatalogEntry, now: number): CatalogEntry {
  const accepted: CatalogEntry = { ...entry, pinnedFingerprint: entry.fingerprint, isNew: false, acceptedAt: now };
  accepted.status = statusOf(accepted);
  return accepted;
}
