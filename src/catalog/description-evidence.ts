// Evidence from the description: its leading verb, phrases that say what the tool does beyond its
// name (deletes files, runs commands, moves money), and claims that limit or soften the effect.
import { stemCandidates, tokenizeText } from './tokenize-name.js';
import type { Evidence, EvidenceModifiers } from './tool-types.js';
import { ADVERBS, ASSOCIATION_NOUNS, DISPOSABLE_NOUNS, RUNNABLE_NOUNS, STARTING_VERBS, isSoftDestructiveVerb, verbEffect } from './vocabulary.js';

export interface DescriptionReading {
  evidence: Evidence[];
  modifiers: EvidenceModifiers;
}

const FILLER = new Set(['this', 'tool', 'the', 'a', 'an', 'will', 'to', 'use', 'used', 'can', 'you', 'lets', 'allows', 'helps', 'it', 'we', 'i', 'please']);

/** Verbs that open descriptions of lookups but are not tool-name verbs. */
const DESCRIPTION_READS = new Set(['return', 'returns', 'give', 'gives', 'provide', 'provides', 'display', 'displays', 'report', 'reports', 'obtain', 'obtains', 'load', 'loads', 'see', 'shows', 'lists', 'gets', 'reads', 'searches', 'finds', 'fetches', 'retrieves', 'looks']);

const IRREVERSIBLE = [
  /\b(permanently|irreversibly|irrevocably) (delete|remove|erase|destroy|wipe|purge|overwrite)/,
  /\b(cannot|can ?not|can't) be (undone|recovered|reversed|restored)/,
  /\b(unrecoverabl|irreversibl|irrecoverabl)/,
  /\bgone for good\b/,
];
/** An active destructive verb: this tool does it ("deletes files", "and then removes"). */
const ACTIVE_DESTRUCTIVE = /\b(deletes|removes|destroys|wipes|erases|purges|drops|truncates|discards|tears? down|(?:will|also|and|then) (?:delete|remove|destroy|wipe|erase|drop|discard))\b/g;
/** Overwriting is what a write tool does to an existing file; evidence of a rougher write, not proof of destruction. */
const OVERWRITES = /\b(overwrites|overwriting|(?:will|also|and|then) overwrite|(?:is|are|be|get|gets) overwritten)\b/g;
/** A passive destruction: something this tool touches "is deleted", "may be lost". */
const PASSIVE_DESTRUCTIVE = /\b(?:is|are|get|gets|got|be|being|become|becomes) (?:permanently |also |then )?(?:deleted|removed|destroyed|erased|wiped|purged|discarded|lost|dropped|truncated)\b/g;
/** A credential that stops working: its holders break, and it cannot be brought back. */
/** Formatting a disk is not formatting text: it erases what the disk holds. */
const WIPES_STORAGE = /\b(?:formats?|formatting|reformats?|re-?images?|repartitions?) (?:a |an |the )?(?:disk|drive|partition|volume|file ?system|device|sd card|usb stick)s?\b/;
const INVALIDATES = /\b((old|previous|existing|current) (secret|key|token|password|credential)s? (stops? working|is revoked|is invalidated|becomes invalid)|stops? working immediately|revokes? (the |a |an )?(token|key|credential|certificate)s?)\b/;
const NEGATION = /\b(not|never|no|without|doesn't|don't|won't|nothing|cannot|can't)\b/;

const EXECUTE = [
  /\b(execut|run|evaluat|invok)\w* (an? |the |any |arbitrary |your |given |provided |raw |custom )?(shell |bash |terminal |sql |python |javascript |js |node |powershell |cypher |graphql )?(commands?|code|scripts?|quer(?:y|ies)|statements?|sql|programs?|expressions?|snippets?|javascript|python|notebooks?|playbooks?|workflows?|pipelines?|jobs?)\b/,
  /\barbitrary (code|commands?|sql|scripts?|quer(?:y|ies)|programs?)\b/,
];
const READ_ONLY_CLAIM = [
  /\bread[- ]only\b/,
  /\bselect[- ](only|statements? only|queries only)\b/,
  /\bonly (select|read)\b/,
  /\bonly (allows|permits|accepts|runs|supports|executes) (select|read)/,
  /\b(does not|doesn't|cannot|can't|will not|won't|never) (modify|change|write|alter|mutate)/,
  /\bno side[- ]effects\b/,
];
const REVERSIBLE = [
  /\bcan (later |still |always )?be (restored|undone|recovered|reverted|unarchived|reactivated|re-?enabled|unfrozen)/,
  /\b(reversible|recoverable)\b/,
  /\btemporarily\b/,
  /\bto (the )?(trash|bin|recycle bin)\b/,
  /\bsoft[- ]delete/,
  /\bcan still restore\b/,
];
const MONEY_STRONG = [
  /\b(moves?|transfers?|sends?|withdraws?|deposits?|pays?) (the |some |an? )?(money|funds|payment|amount)/,
  /\bcharges? (the |a )?(customer|card|user|account|payment method)/,
  /\b(issues?|creates?) (a |an )?(partial |full )?refund/,
  /\bcaptures? (the )?(payment|funds|charge|authori[sz]ed)/,
  /\b(optionally|also|and|then|by) (refunding|charging|paying|crediting|debiting|refunds|charges|pays|refund|charge|pay|credit|debit) (the |a |an )?(customer|buyer|user|card|account|payer|payee|merchant|order)/,
  /\b(optionally|also|and|then|by) (refunding|charging|paying|crediting|debiting|refunds|charges|pays)\b/,
];
const MONEY_WEAK = /\b(charges?|payments?|refunds?|payouts?|funds|money|invoices?|billing|prices?|pricing|subscriptions?|currency|currencies|wire transfer|bank account|purchases?|spend(ing)?)\b/;

/** `nameVerb`: a description that opens with the name's own verb only echoes it, and adds nothing. */
export function descriptionEvidence(text: string | undefined, nameVerb?: string): DescriptionReading {
  const evidence: Evidence[] = [];
  const modifiers: EvidenceModifiers = {};
  if (!text || text.trim() === '') return { evidence, modifiers };
  const lower = text.normalize('NFKC').toLowerCase();
  const leading = leadingVerb(lower, nameVerb);
  if (leading) evidence.push(leading);

  const irreversible = firstMatch(IRREVERSIBLE, lower);
  if (irreversible) evidence.push({ signal: 'destructive', weight: 3.5, source: 'description', reason: `description says "${irreversible}"`, hard: true });
  const active = activeDestruction(lower, ACTIVE_DESTRUCTIVE, true) ?? activeDestruction(lower, PASSIVE_DESTRUCTIVE, false);
  if (active) evidence.push({ signal: 'destructive', weight: 3.5, source: 'description', reason: `description: "${active}"` });
  const overwrite = active ? undefined : activeDestruction(lower, OVERWRITES, false);
  if (overwrite) evidence.push({ signal: 'destructive', weight: 2, source: 'description', reason: `description: "${overwrite}"` });

  const wipes = WIPES_STORAGE.exec(lower)?.[0];
  if (wipes) evidence.push({ signal: 'destructive', weight: 3.5, source: 'description', reason: `description: "${wipes}"`, hard: true });
  const invalidates = INVALIDATES.exec(lower)?.[0];
  if (invalidates) evidence.push({ signal: 'destructive', weight: 3.5, source: 'description', reason: `description: "${invalidates}"`, hard: true });

  const execute = firstMatch(EXECUTE, lower);
  if (execute) evidence.push({ signal: 'execute', weight: 3, source: 'description', reason: `description: "${execute}"` });
  const readOnly = firstMatch(READ_ONLY_CLAIM, lower) ?? selectOnly(lower);
  if (readOnly) {
    modifiers.readOnlyClaim = `description limits it to reads: "${readOnly}"`;
    evidence.push({ signal: 'read', weight: 2, source: 'description', reason: `description says "${readOnly}"` });
  }
  const reversible = firstMatch(REVERSIBLE, lower);
  if (reversible) modifiers.reversible = `description: "${reversible}"`;

  const moneyStrong = firstMatch(MONEY_STRONG, lower);
  const moneyWeak = MONEY_WEAK.exec(lower)?.[0];
  if (moneyStrong) {
    // Describing a payment act is also saying that the tool acts.
    evidence.push({ signal: 'money', weight: 3, source: 'description', reason: `description: "${moneyStrong}"` });
    evidence.push({ signal: 'write', weight: 2, source: 'description', reason: `description: "${moneyStrong}"` });
  }
  else if (moneyWeak) evidence.push({ signal: 'money', weight: 1.5, source: 'description', reason: `description mentions "${moneyWeak}"` });
  return { evidence, modifiers };
}

/** The first verb of the first sentence, past fillers and adverbs ("Permanently deletes …" → delete). */
function leadingVerb(lower: string, nameVerb: string | undefined): Evidence | undefined {
  const words = tokenizeText(lower.split(/[.\n]/)[0] ?? '').slice(0, 6);
  for (const [index, word] of words.entries()) {
    if (FILLER.has(word) || ADVERBS.has(word)) continue;
    const effect = DESCRIPTION_READS.has(word) ? 'read' : verbEffect(word, { stem: true });
    if (!effect || (nameVerb && stemCandidates(word).includes(nameVerb))) return undefined;
    const reason = `description starts with "${word}"`;
    const runnable = STARTING_VERBS.has(word) ? words.slice(index + 1, index + 4).find((next) => RUNNABLE_NOUNS.has(next)) : undefined;
    if (runnable) return { signal: 'execute', weight: 2, source: 'description', reason: `description starts with "${word}" … "${runnable}"` };
    if (effect === 'money') return { signal: 'money', weight: 3, source: 'description', reason };
    const weight = effect === 'destructive' && !isSoftDestructiveVerb(word) ? 2.5 : 2;
    return { signal: effect, weight, source: 'description', reason };
  }
  return undefined;
}

/** "Execute a SELECT query": the statement it runs is a read, when nothing else is mentioned. */
function selectOnly(lower: string): string | undefined {
  const match = /\bselect (quer(y|ies)|statements?)\b/.exec(lower);
  if (!match || /\b(insert|update|delete|drop|alter|create|truncate|merge|grant)\b/.test(lower)) return undefined;
  return match[0];
}

/** `checkObject`: for an active verb the words after it are its object ("removes the label"). */
function activeDestruction(lower: string, pattern: RegExp, checkObject: boolean): string | undefined {
  for (const match of lower.matchAll(pattern)) {
    const before = lower.slice(Math.max(0, match.index - 30), match.index).split(/\s+/).slice(-3).join(' ');
    if (NEGATION.test(before)) continue;
    if (tokenizeText(before).some((word) => ASSOCIATION_NOUNS.has(word) || DISPOSABLE_NOUNS.has(word))) continue;
    const after = tokenizeText(lower.slice(match.index + match[0].length, match.index + match[0].length + 60)).slice(0, 4);
    if (checkObject && after.some((word) => ASSOCIATION_NOUNS.has(word) || DISPOSABLE_NOUNS.has(word))) continue;
    return `${match[0]} ${after.join(' ')}`.trim();
  }
  return undefined;
}

function firstMatch(patterns: readonly RegExp[], text: string): string | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match) return match[0];
  }
  return undefined;
}
