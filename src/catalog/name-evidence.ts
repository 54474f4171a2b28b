// Evidence from the tool's name: its first action verb (and what that verb does to the nouns that
// follow it), money and secret nouns, and things a destructive verb only touches lightly.
import { tokenizeName } from './tokenize-name.js';
import type { Evidence, EvidenceModifiers } from './tool-types.js';
import {
  ASSOCIATION_NOUNS, DESTRUCTION_NOUNS, DISPOSABLE_NOUNS, LOOKUP_OBJECTS, NOUN_LIKE_VERBS, MESSAGE_NOUNS, MONEY_NOUNS, RUNNABLE_NOUNS, WEAK_MONEY_NOUNS,
  STARTING_VERBS, isSoftDestructiveVerb, prefixVerb, verbEffect, type VerbEffect,
} from './vocabulary.js';

export interface NameFacts {
  words: string[];
  verb?: string;
  verbEffect?: VerbEffect;
  /** The words after the verb: the things it acts on. */
  objects: string[];
}

export interface NameReading {
  evidence: Evidence[];
  modifiers: EvidenceModifiers;
  facts: NameFacts;
}


export function nameEvidence(name: string): NameReading {
  const words = tokenizeName(name);
  const evidence: Evidence[] = [];
  const modifiers: EvidenceModifiers = {};
  const found = findVerb(words);
  const objects = found ? words.slice(found.index + 1) : words;
  const facts: NameFacts = { words, objects, ...(found ? { verb: found.verb, verbEffect: found.effect } : {}) };

  if (!found) {
    evidence.push({ signal: 'read', weight: 1, source: 'name', reason: 'name has no action verb: a noun-only name reads like a lookup' });
  } else {
    evidence.push(...verbEvidence(found.verb, found.effect, objects, words, modifiers));
  }
  evidence.push(...moneyNounEvidence(words, modifiers));
  return { evidence, modifiers, facts };
}

function findVerb(words: readonly string[]): { verb: string; effect: VerbEffect; index: number } | undefined {
  let first: { verb: string; effect: VerbEffect; index: number } | undefined;
  for (const [index, word] of words.entries()) {
    const effect = verbEffect(word);
    if (!effect) continue;
    if (!first) {
      first = { verb: word, effect, index };
      if (!NOUN_LIKE_VERBS.has(word)) return first;
    } else {
      // `dns_record_delete`: the first "verb" was a noun, the action comes after it.
      return { verb: word, effect, index };
    }
  }
  if (first) return first;
  for (const [index, word] of words.entries()) {
    const verb = prefixVerb(word);
    const effect = verb ? verbEffect(verb) : undefined;
    if (verb && effect) return { verb, effect, index };
  }
  return undefined;
}

function verbEvidence(verb: string, effect: VerbEffect, objects: readonly string[], words: readonly string[], modifiers: EvidenceModifiers): Evidence[] {
  const quoted = `name verb "${verb}"`;
  if (words.includes('force') && words.includes('push')) {
    return [{ signal: 'destructive', weight: 3.5, source: 'name', reason: 'name says "force push": rewrites remote history', hard: true }];
  }
  switch (effect) {
    case 'money':
      return [
        { signal: 'money', weight: 4, source: 'name', reason: `${quoted} moves money` },
        { signal: 'write', weight: 3, source: 'name', reason: `${quoted} changes state` },
      ];
    case 'destructive': {
      const disposable = objects.find((word) => DISPOSABLE_NOUNS.has(word));
      if (disposable) modifiers.disposable = `name: "${verb}" acts on "${disposable}", which is rebuilt, not lost`;
      const soft = isSoftDestructiveVerb(verb);
      const link = soft ? objects.find((word) => ASSOCIATION_NOUNS.has(word)) : undefined;
      if (link) return [{ signal: 'write', weight: 3, source: 'name', reason: `${quoted} on "${link}" removes a link, not a thing` }];
      return [{ signal: 'destructive', weight: soft ? 2.5 : 3, source: 'name', reason: `${quoted} ${soft ? 'removes' : 'destroys'} what it names`, ...(soft ? {} : { hard: true }) }];
    }
    case 'write': {
      const lookup = verb === 'resolve' ? objects.find((word) => LOOKUP_OBJECTS.has(word)) : undefined;
      if (lookup) return [{ signal: 'read', weight: 3, source: 'name', reason: `name verb "resolve" on "${lookup}" looks something up` }];
      const destruction = objects.find((word) => DESTRUCTION_NOUNS.has(word));
      if (destruction) return [{ signal: 'destructive', weight: 3.5, source: 'name', reason: `${quoted} a "${destruction}" sets a destruction going` }];
      const runnable = STARTING_VERBS.has(verb) ? words.find((word) => word !== verb && RUNNABLE_NOUNS.has(word)) : undefined;
      if (runnable) return [{ signal: 'execute', weight: 3.5, source: 'name', reason: `${quoted} on "${runnable}" runs it` }];
      return [{ signal: 'write', weight: 3, source: 'name', reason: `${quoted} changes state` }];
    }
    case 'execute':
      return [{ signal: 'execute', weight: 3, source: 'name', reason: `${quoted} runs something` }];
    case 'read':
      return [{ signal: 'read', weight: 3, source: 'name', reason: `${quoted} only looks` }];
  }
}

function moneyNounEvidence(words: readonly string[], modifiers: EvidenceModifiers): Evidence[] {
  const strongIndex = words.findIndex((word) => MONEY_NOUNS.has(word) && !WEAK_MONEY_NOUNS.has(word));
  if (strongIndex >= 0) {
    const noun = words[strongIndex] ?? '';
    const message = words.slice(strongIndex + 1).find((word) => MESSAGE_NOUNS.has(word));
    if (message) modifiers.messageOnly = `name: a "${message}" about "${noun}" sends a message, it moves no money`;
    return [{ signal: 'money', weight: 3, source: 'name', reason: `name noun "${noun}" is money` }];
  }
  const weak = words.find((word) => WEAK_MONEY_NOUNS.has(word));
  return weak ? [{ signal: 'money', weight: 1, source: 'name', reason: `name noun "${weak}" may be money` }] : [];
}

