// Evidence from the other tools of the same server: an undo sibling (restore_x beside trash_x)
// makes an effect reversible, a server full of payment tools makes "account" and "order" money,
// and a server of tables and schemas makes a `query` string a SQL statement.
import { tokenizeName } from './tokenize-name.js';
import type { Evidence, EvidenceModifiers } from './tool-types.js';
import { MONEY_NOUNS, WEAK_MONEY_NOUNS, verbEffect } from './vocabulary.js';
import type { NameFacts } from './name-evidence.js';

export interface SiblingReading {
  evidence: Evidence[];
  modifiers: EvidenceModifiers;
  sqlContext: boolean;
}

/** A server's tool names read once, so classifying all of them stays linear. */
export interface SiblingIndex {
  /** Tool names by their words joined with spaces (`restore widget` → `restore_widget`). */
  byWords: ReadonlyMap<string, string>;
  money: ReadonlySet<string>;
  sql: ReadonlySet<string>;
  names: ReadonlySet<string>;
}

/** What undoes a verb, besides `un<verb>`. */
const UNDO: Record<string, readonly string[]> = {
  archive: ['unarchive', 'restore'],
  trash: ['untrash', 'restore', 'recover'],
  remove: ['restore', 'readd', 'add'],
  disable: ['enable'],
  deactivate: ['activate', 'reactivate'],
  suspend: ['resume', 'unsuspend'],
  pause: ['resume', 'unpause'],
  close: ['reopen'],
  lock: ['unlock'],
  freeze: ['unfreeze'],
  hide: ['unhide', 'show'],
  revoke: ['restore', 'reinstate'],
  clear: ['restore'],
};

const SQL_WORDS = new Set(['table', 'tables', 'schema', 'schemas', 'column', 'columns', 'sql', 'database', 'databases', 'index', 'indexes', 'migration', 'migrations']);

export function indexSiblings(names: readonly string[]): SiblingIndex {
  const byWords = new Map<string, string>();
  const money = new Set<string>();
  const sql = new Set<string>();
  for (const name of new Set(names)) {
    const words = tokenizeName(name);
    byWords.set(words.join(' '), name);
    if (words.some((word) => (MONEY_NOUNS.has(word) && !WEAK_MONEY_NOUNS.has(word)) || verbEffect(word) === 'money')) money.add(name);
    if (words.some((word) => SQL_WORDS.has(word))) sql.add(name);
  }
  return { byWords, money, sql, names: new Set(names) };
}

/** `self` is the tool being classified: it is not its own sibling. */
export function siblingEvidence(facts: NameFacts, siblings: SiblingIndex | readonly string[], self?: string): SiblingReading {
  const index = Array.isArray(siblings) ? indexSiblings(siblings as readonly string[]) : (siblings as SiblingIndex);
  const evidence: Evidence[] = [];
  const modifiers: EvidenceModifiers = {};
  const countOthers = (set: ReadonlySet<string>): number => set.size - (self !== undefined && set.has(self) ? 1 : 0);

  if (facts.verb && facts.objects.length > 0) {
    const object = facts.objects.join(' ');
    const undo = [`un${facts.verb}`, ...(UNDO[facts.verb] ?? [])].map((verb) => index.byWords.get(`${verb} ${object}`)).find((name) => name !== undefined && name !== self);
    if (undo) modifiers.reversible = `sibling "${undo}" undoes it`;
  }

  const money = countOthers(index.money);
  const size = countOthers(index.names);
  const moneyDomain = money >= 3 && money >= size * 0.15;
  const weak = facts.words.find((word) => WEAK_MONEY_NOUNS.has(word));
  if (moneyDomain && weak && facts.verbEffect !== 'read') {
    const examples = [...index.money].filter((other) => other !== self).slice(0, 3).join(', ');
    evidence.push({ signal: 'money', weight: 2, source: 'sibling', reason: `siblings handle money (${examples}), so "${weak}" is money here` });
  }

  const sqlContext = countOthers(index.sql) >= 2;
  return { evidence, modifiers, sqlContext };
}
