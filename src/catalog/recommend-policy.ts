// Turns a server's classified tools into a recommended policy in the policy file format: reads
// allowed, writes 30/minute per grant, execution 10/minute per grant, destruction hidden, money
// behind a human's approval, and everything else denied. Poisoned definitions are hidden too.
import type { ToolCategory, ToolClassification } from './tool-types.js';

export interface RecommendedLimit {
  counter: string;
  window: 'minute';
  max: number;
  scope: 'grant';
}

export interface RecommendedEntry {
  action?: 'require_approval';
  limits?: RecommendedLimit[];
}

export interface RecommendedPolicy {
  version: '1';
  default: 'deny';
  hide: string[];
  tools: Record<string, RecommendedEntry>;
}

/** Calls per minute per grant for the rate-limited classes. */
export const RECOMMENDED_RATES: Readonly<Partial<Record<ToolCategory, number>>> = { write: 30, execute: 10 };

export function recommendPolicy(classifications: readonly ToolClassification[]): RecommendedPolicy {
  const hide: string[] = [];
  const tools: Record<string, RecommendedEntry> = {};
  for (const { name, category, flags } of classifications) {
    // A tool literally named "*" would make `hide` mean every tool: leave it to `default: deny`.
    if (name === '*') continue;
    // A definition that hides text from its reader is not recommended whatever it claims to do.
    if (category === 'destructive' || isPoisoned(flags)) {
      hide.push(name);
      continue;
    }
    if (category === 'financial') {
      tools[name] = { action: 'require_approval' };
      continue;
    }
    const max = RECOMMENDED_RATES[category];
    tools[name] = max === undefined ? {} : { limits: [{ counter: `${name}_rate`, window: 'minute', max, scope: 'grant' }] };
  }
  return { version: '1', default: 'deny', hide, tools };
}

/** Invisible text or instructions aimed at the model; an annotation contradiction alone is not poisoning. */
export function isPoisoned(flags: readonly string[]): boolean {
  return flags.some((flag) => flag.startsWith('invisible_unicode:') || flag.startsWith('model_instruction:'));
}
