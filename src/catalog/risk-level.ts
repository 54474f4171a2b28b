// Risk level from the category, raised when the evidence says more: reading secrets is not a
// low-risk read, and writing permissions or secrets is more than an ordinary write.
import { tokenizeText } from './tokenize-name.js';
import type { RiskLevel, ToolCategory, ToolDefinition } from './tool-types.js';
import { ACCESS_NOUNS, SECRET_NOUNS, SECRET_PAIRS } from './vocabulary.js';

const BASE: Record<ToolCategory, RiskLevel> = {
  read: 'low',
  write: 'medium',
  execute: 'high',
  destructive: 'critical',
  financial: 'critical',
};

export function riskOf(category: ToolCategory, tool: ToolDefinition, nameWords: readonly string[]): { level: RiskLevel; reason?: string } {
  const secret = secretWord(tool, nameWords);
  if (category === 'read' && secret) return { level: 'medium', reason: `risk raised: reads a secret ("${secret}")` };
  if (category === 'write') {
    const access = nameWords.find((word) => ACCESS_NOUNS.has(word));
    if (secret || access) return { level: 'high', reason: `risk raised: changes ${secret ? `a secret ("${secret}")` : `access ("${access}")`}` };
  }
  return { level: BASE[category] };
}

/** A secret named by the tool's name or the first sentence of its description. */
function secretWord(tool: ToolDefinition, nameWords: readonly string[]): string | undefined {
  const fromName = nameWords.find((word) => SECRET_NOUNS.has(word));
  if (fromName) return fromName;
  const text = [nameWords.join(' '), tokenizeText((tool.description ?? '').split(/[.\n]/)[0] ?? '').join(' ')].join(' ');
  const pair = SECRET_PAIRS.find((phrase) => text.includes(phrase));
  if (pair) return pair;
  return tokenizeText((tool.description ?? '').split(/[.\n]/)[0] ?? '').find((word) => SECRET_NOUNS.has(word) && word !== 'env');
}
