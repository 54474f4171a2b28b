// The deterministic tool classifier: reads the name, description, input schema, annotations and
// sibling tools, weighs the evidence, and says what the tool does in the world and why.
import { annotationContradictions, annotationEvidence, annotationNotes } from './annotation-evidence.js';
import { descriptionEvidence } from './description-evidence.js';
import { toolFingerprint } from './fingerprint.js';
import { nameEvidence } from './name-evidence.js';
import { poisoningFlags } from './poisoning.js';
import { riskOf } from './risk-level.js';
import { schemaEvidence } from './schema-evidence.js';
import { indexSiblings, siblingEvidence, type SiblingIndex } from './sibling-evidence.js';
import { checkToolNames, nameFlag } from './tool-names.js';
import { decideCategory } from './weigh-evidence.js';
import type { Evidence, EvidenceModifiers, ToolClassification, ToolDefinition } from './tool-types.js';

/**
 * Classifies one tool. `siblings` are the other tools of the same server (definitions or names):
 * they can show that an effect is reversible, that a server deals in money, or that it is a database.
 */
export function classifyTool(tool: ToolDefinition, siblings: readonly (ToolDefinition | string)[] = []): ToolClassification {
  const names = siblings.map((sibling) => (typeof sibling === 'string' ? sibling : sibling.name));
  const nameFlags = (checkToolNames([tool.name, ...names]).get(tool.name) ?? []).map(nameFlag);
  return classifyWithSiblings(tool, indexSiblings(names), nameFlags);
}

/** Classifies every tool of one server, each with the others as its siblings. */
export function classifyTools(tools: readonly ToolDefinition[]): ToolClassification[] {
  const index = indexSiblings(tools.map((tool) => tool.name));
  const names = checkToolNames(tools.map((tool) => tool.name));
  return tools.map((tool) => classifyWithSiblings(tool, index, (names.get(tool.name) ?? []).map(nameFlag)));
}

/** `nameFlags`: what is wrong with the name among its siblings' (invalid, colliding). */
function classifyWithSiblings(tool: ToolDefinition, siblings: SiblingIndex, nameFlags: string[]): ToolClassification {
  const name = nameEvidence(tool.name);
  const description = descriptionEvidence(tool.description, name.facts.verb);
  const siblingsRead = siblingEvidence(name.facts, siblings, tool.name);
  const runsInput = description.evidence.some((item) => item.signal === 'execute');
  const sqlContext = siblingsRead.sqlContext || /\b(sql|database|postgres|mysql|sqlite|table)\b/i.test(tool.description ?? '');
  const schema = schemaEvidence(tool.inputSchema, { sqlContext, runsInput, ...(name.facts.verb ? { verb: name.facts.verb } : {}) });
  const annotations = annotationEvidence(tool.annotations);

  const evidence: Evidence[] = [...name.evidence, ...description.evidence, ...schema.evidence, ...annotations, ...siblingsRead.evidence];
  const modifiers: EvidenceModifiers = { ...siblingsRead.modifiers, ...schema.modifiers, ...description.modifiers, ...name.modifiers };
  const decision = decideCategory(evidence, modifiers, name.facts);

  const risk = riskOf(decision.category, tool, name.facts.words);
  const reasons = [...decision.reasons, ...annotationNotes(tool.annotations)];
  if (risk.reason) reasons.push(risk.reason);
  const flags = [...nameFlags, ...annotationContradictions(tool.annotations, decision.category, decision.reasons[0]), ...poisoningFlags(tool)];
  return {
    name: tool.name,
    category: decision.category,
    risk: risk.level,
    confidence: decision.confidence,
    reasons,
    flags,
    fingerprint: toolFingerprint(tool),
  };
}
