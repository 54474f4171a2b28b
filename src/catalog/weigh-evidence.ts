// Weighs the evidence: sums it per effect, applies what softens or limits the effect (a read-only
// claim, an undo, something disposable), picks the effect, and turns money evidence on a
// state-changing tool into "financial". Ties go to the riskier class.
import type { NameFacts } from './name-evidence.js';
import type { Evidence, EvidenceModifiers, ToolCategory } from './tool-types.js';

export interface CategoryDecision {
  category: ToolCategory;
  confidence: number;
  reasons: string[];
}

type Effect = 'read' | 'write' | 'execute' | 'destructive';
/** Riskier first: the order ties are broken in. */
const EFFECTS: readonly Effect[] = ['destructive', 'execute', 'write', 'read'];
/** Money evidence at least this strong makes a state-changing tool financial. */
const MONEY_THRESHOLD = 3;

export function decideCategory(evidence: readonly Evidence[], modifiers: EvidenceModifiers, facts: NameFacts): CategoryDecision {
  const items = evidence.map((item) => ({ ...item }));
  const notes: string[] = [];
  const move = (from: Effect, to: Effect, note: string, when: (item: Evidence) => boolean = () => true): void => {
    let moved = false;
    for (const item of items) {
      if (item.signal === from && when(item)) {
        item.signal = to;
        moved = true;
      }
    }
    if (moved) notes.push(note);
  };

  // What the tool runs is limited to reads — unless its own name says it writes or destroys.
  if (modifiers.readOnlyClaim && facts.verbEffect !== 'destructive' && facts.verbEffect !== 'write' && facts.verbEffect !== 'money') {
    move('execute', 'read', modifiers.readOnlyClaim);
  }
  if (modifiers.disposable) move('destructive', 'write', modifiers.disposable);
  const hard = items.some((item) => item.signal === 'destructive' && item.hard === true);
  if (modifiers.reversible && !hard) move('destructive', 'write', `reversible: ${modifiers.reversible}`);

  const scores = new Map<Effect, number>(EFFECTS.map((effect) => [effect, 0]));
  for (const item of items) if (item.signal !== 'money') scores.set(item.signal, (scores.get(item.signal) ?? 0) + item.weight);
  const ranked = [...EFFECTS].sort((a, b) => (scores.get(b) ?? 0) - (scores.get(a) ?? 0));
  const effect = ranked[0] ?? 'read';
  const top = scores.get(effect) ?? 0;
  const second = scores.get(ranked[1] ?? 'read') ?? 0;

  const money = items.filter((item) => item.signal === 'money').reduce((sum, item) => sum + item.weight, 0);
  const moneyVerb = facts.verbEffect === 'money';
  // A name with no verb we know (`spend`, `zap`) that takes money fields is not trusted to be a lookup:
  // missing a financial tool costs more than asking for approval on a quote.
  const unknownVerb = facts.verbEffect === undefined;
  const financial = !modifiers.messageOnly && money >= MONEY_THRESHOLD && (effect !== 'read' || moneyVerb || unknownVerb);
  const category: ToolCategory = financial ? 'financial' : top === 0 ? 'read' : effect;

  const supports = (item: Evidence): boolean => (financial ? item.signal === 'money' || (item.signal === effect && effect !== 'read') : item.signal === category);
  const supporting = items.filter(supports).sort((a, b) => b.weight - a.weight).map((item) => item.reason);
  const against = items.filter((item) => !supports(item) && item.signal !== 'money' && item.weight >= 2).sort((a, b) => b.weight - a.weight).slice(0, 2).map((item) => `against: ${item.reason}`);
  const extra = modifiers.messageOnly && money >= MONEY_THRESHOLD ? [modifiers.messageOnly] : [];
  const reasons = [...supporting, ...notes, ...extra, ...against];
  if (reasons.length === 0) reasons.push('no evidence either way: assumed to be a lookup');
  return { category, confidence: confidenceOf(financial ? Math.max(top, money) : top, financial ? Math.min(second, top) : second, financial ? money : top), reasons };
}

/** How far the winner is ahead of the runner-up, and how much evidence there is at all. */
function confidenceOf(top: number, second: number, strength: number): number {
  if (top <= 0) return 0.3;
  const margin = Math.max(0, top - second) / top;
  // Thin evidence (one weak word) cannot make a confident call however uncontested it is.
  const amount = Math.sqrt(Math.min(1, strength / 5));
  return Math.round((0.25 + 0.73 * margin * amount) * 100) / 100;
}
