// Evidence from MCP annotations. They are the server's own claims, so they weigh less than what
// the name and description show, and a claim the rest contradicts is flagged, not believed.
import type { Evidence, ToolAnnotations, ToolCategory } from './tool-types.js';

export function annotationEvidence(annotations: ToolAnnotations | undefined): Evidence[] {
  if (!annotations) return [];
  const evidence: Evidence[] = [];
  if (annotations.readOnlyHint === true) {
    evidence.push({ signal: 'read', weight: 2.5, source: 'annotation', reason: 'annotation readOnlyHint: true' });
  } else {
    if (annotations.destructiveHint === true) evidence.push({ signal: 'destructive', weight: 2, source: 'annotation', reason: 'annotation destructiveHint: true' });
    // The spec's default for a non-read-only tool is destructive; an explicit false says "additive".
    if (annotations.destructiveHint === false) evidence.push({ signal: 'write', weight: 1, source: 'annotation', reason: 'annotation destructiveHint: false (changes, does not destroy)' });
    else if (annotations.readOnlyHint === false) evidence.push({ signal: 'write', weight: 0.5, source: 'annotation', reason: 'annotation readOnlyHint: false' });
  }
  return evidence;
}

/** Notes on hints that are neither evidence nor contradiction, for the reasons list. */
export function annotationNotes(annotations: ToolAnnotations | undefined): string[] {
  const notes: string[] = [];
  if (annotations?.idempotentHint === true) notes.push('annotation idempotentHint: true (repeating a call has no further effect)');
  if (annotations?.openWorldHint === true) notes.push('annotation openWorldHint: true (reaches outside systems)');
  return notes;
}

const DOES: Record<ToolCategory, string> = {
  read: 'only reads',
  write: 'changes state',
  execute: 'runs code or commands',
  destructive: 'destroys data',
  financial: 'moves money',
};

/** `annotation_contradiction: …` flags when a hint disagrees with what the other evidence shows. */
export function annotationContradictions(annotations: ToolAnnotations | undefined, category: ToolCategory, because: string | undefined): string[] {
  if (!annotations) return [];
  const why = because ? ` (${because})` : '';
  const flags: string[] = [];
  if (annotations.readOnlyHint === true && category !== 'read') flags.push(`annotation_contradiction: readOnlyHint is true but the tool ${DOES[category]}${why}`);
  if (annotations.destructiveHint === false && category === 'destructive') flags.push(`annotation_contradiction: destructiveHint is false but the tool ${DOES[category]}${why}`);
  if (annotations.destructiveHint === true && annotations.readOnlyHint !== true && category === 'read') flags.push(`annotation_contradiction: destructiveHint is true but the tool ${DOES[category]}${why}`);
  return flags;
}
