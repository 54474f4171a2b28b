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

export function siblingEvidence(facts: NameFacts, siblings: readonly string[]): SiblingReading {
  const evidence: Evidence[] = [];
  const modifiers: EvidenceModifiers = {};
  const others = siblings.map((name) => ({ name, words: tokenizeName(name) }));

  if (facts.verb) {
    const undoers = [`un${facts.verb}`, ...(UNDO[facts.verb] ?? [])];
    const object = facts.objects.join(' ');
    const undo = others.find(({ words }) => undoers.includes(words[0] ?? '') && words.slice(1).join(' ') === object && object !== '');
    if (undo) modifiers.reversible = `sibling "${undo.name}" undoes it`;
  }

  const money = others.filter(({ words }) => words.some((word) => (MONEY_NOUNS.has(word) && !WEAK_MONEY_NOUNS.has(word)) || verbEffect(word) === 'money'));
  const moneyDomain = money.length >= 3 && money.length >= others.length * 0.15;
  const weak = facts.words.find((word) => WEAK_MONEY_NOUNS.has(word));
  if (moneyDomain && weak && facts.verbEffect !== 'read') {
    const examples = money.slice(0, 3).map(({ name }) => name).join(', ');
    evidence.push({ signal: 'money', weight: 2, source: 'sibling', reason: `siblings handle money (${examples}), so "${weak}" is money here` });
  }

  const sqlContext = others.filter(({ words }) => words.some((word) => SQL_WORDS.has(word))).length >= 2;
  return { evidence, modifiers, sqlContext };
}
