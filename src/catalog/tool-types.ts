// The catalog's vocabulary: a tool definition as `tools/list` returns it, the five effect classes,
// risk levels, and what the classifier says about one tool.

export type ToolCategory = 'read' | 'write' | 'execute' | 'destructive' | 'financial';
export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';

export const TOOL_CATEGORIES: readonly ToolCategory[] = ['read', 'write', 'execute', 'destructive', 'financial'];

/** MCP tool annotations: hints from the server, never trusted on their own. */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
  [key: string]: unknown;
}

export interface ToolDefinition {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
  annotations?: ToolAnnotations;
  [key: string]: unknown;
}

/** The effect a piece of evidence argues for; `money` is the separate "this moves money" signal. */
export type Signal = 'read' | 'write' | 'execute' | 'destructive' | 'money';

export type EvidenceSource = 'name' | 'description' | 'schema' | 'annotation' | 'sibling';

export interface Evidence {
  signal: Signal;
  weight: number;
  source: EvidenceSource;
  reason: string;
  /** Destructive evidence that no restore or undo softens ("delete", "cannot be undone"). */
  hard?: boolean;
}

/** Modifiers that change how evidence is read rather than adding to a class. */
export interface EvidenceModifiers {
  /** The description limits what the tool runs to reads ("SELECT only", "read-only transaction"). */
  readOnlyClaim?: string;
  /** The effect can be undone (a restore/unarchive sibling, "can be restored"). */
  reversible?: string;
  /** The tool only sends a message about money (a reminder, a receipt), it moves none. */
  messageOnly?: string;
  /** A destructive word is about something disposable (a cache, a selection). */
  disposable?: string;
}

export interface ToolClassification {
  name: string;
  category: ToolCategory;
  risk: RiskLevel;
  /** 0..1: how clearly the evidence points at this category. */
  confidence: number;
  /** Why, strongest first: which words, schema properties, annotations or siblings. */
  reasons: string[];
  /** Things an operator should look at: `invalid_name: …`, `name_collision: …` (refused), `annotation_contradiction: …`, `invisible_unicode: …`, `model_instruction: …`. */
  flags: string[];
  /** SHA-256 of the canonical definition; see fingerprint.ts. */
  fingerprint: string;
}
