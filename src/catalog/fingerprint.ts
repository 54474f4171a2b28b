// A tool definition's fingerprint: SHA-256 over the canonical JSON of what a person (or a model)
// reads, so a changed title, description, schema or annotation is a changed fingerprint.
import { canonicalJson, sha256Hex } from '../lib/hash.js';
import type { ToolDefinition } from './tool-types.js';

export function toolFingerprint(tool: ToolDefinition): string {
  return sha256Hex(
    canonicalJson({
      name: tool.name,
      description: tool.description ?? null,
      inputSchema: tool.inputSchema ?? null,
      annotations: tool.annotations ?? null,
      // Only when present, so the fingerprints of tools without them stay as they were pinned.
      ...(tool.title !== undefined ? { title: tool.title } : {}),
      ...(tool['outputSchema'] !== undefined ? { outputSchema: tool['outputSchema'] } : {}),
    }),
  );
}
