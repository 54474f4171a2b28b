// The catalog's record of every tool of every server: its definition, classification, fingerprint,
// the fingerprint pinned for it, and whether it is new or changed since. Backends: memory, SQLite.
import type { RiskLevel, ToolCategory, ToolClassification, ToolDefinition } from './tool-types.js';

/**
 * - `pinned`: the definition is the one first seen.
 * - `changed`: the definition differs from the pinned one (until an operator accepts it).
 * - `new`: the tool appeared after the server's first listing (until an operator accepts it).
 * - `accepted`: an operator accepted the definition it has now (`toolgate catalog accept`).
 */
export type CatalogStatus = 'pinned' | 'changed' | 'new' | 'accepted';

export interface CatalogEntry {
  server: string;
  name: string;
  /** As the server lists it: description, inputSchema, annotations (and title). */
  definition: ToolDefinition;
  category: ToolCategory;
  risk: RiskLevel;
  confidence: number;
  reasons: readonly string[];
  /** Poisoning flags and annotation contradictions, from the classifier. */
  flags: readonly string[];
  fingerprint: string;
  /** The fingerprint first seen, or the one last accepted. */
  pinnedFingerprint: string;
  /** Appeared after the server's first listing and not accepted yet. */
  isNew: boolean;
  status: CatalogStatus;
  firstSeen: number;
  lastSeen: number;
  /** When the definition last changed. */
  changedAt?: number;
  acceptedAt?: number;
}

/** One tool of a listing, with what the classifier made of it. */
export interface ObservedTool {
  definition: ToolDefinition;
  classification: ToolClassification;
}

/** What a listing brought that the operator should hear about (and the audit records). */
export type CatalogChange =
  | { kind: 'new'; entry: CatalogEntry }
  | { kind: 'changed'; entry: CatalogEntry; previous: CatalogEntry; fields: readonly string[] };

export interface CatalogStore {
  /** Records one complete listing of a server, atomically; the first listing of a server pins
   *  every tool, later ones report new and changed tools. Tools missing from it are kept. */
  record(server: string, tools: readonly ObservedTool[], now: number): CatalogChange[];
  /** Every entry (of one server), ordered by server and name. */
  list(server?: string): CatalogEntry[];
  /** Read afresh from the store: another process (the CLI) may have accepted it. */
  get(server: string, name: string): CatalogEntry | undefined;
  /** Pins the tool's current fingerprint; undefined when the catalog has no such tool. */
  accept(server: string, name: string, now: number): CatalogEntry | undefined;
}

export function statusOf(entry: Pick<CatalogEntry, 'isNew' | 'fingerprint' | 'pinnedFingerprint' | 'acceptedAt'>): CatalogStatus {
  if (entry.isNew) return 'new';
  if (entry.fingerprint !== entry.pinnedFingerprint) return 'changed';
  return entry.acceptedAt === undefined ? 'pinned' : 'accepted';
}
