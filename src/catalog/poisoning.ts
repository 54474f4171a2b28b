// Flags tool definitions that hide something from the person reading them: invisible Unicode, and
// text addressed to the model rather than describing the tool ("ignore previous instructions").
import type { ToolDefinition } from './tool-types.js';

interface InvisibleRange {
  label: string;
  test: (code: number) => boolean;
}

const INVISIBLE: readonly InvisibleRange[] = [
  { label: 'tag characters (U+E0000–U+E007F)', test: (code) => code >= 0xe0000 && code <= 0xe007f },
  { label: 'zero-width characters (U+200B–U+200F, U+2060–U+2064, U+FEFF)', test: (code) => (code >= 0x200b && code <= 0x200f) || (code >= 0x2060 && code <= 0x2064) || code === 0xfeff },
  { label: 'bidirectional overrides (U+202A–U+202E, U+2066–U+2069)', test: (code) => (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) },
  { label: 'control characters', test: (code) => (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f) },
];

const INSTRUCTIONS: ReadonlyArray<{ label: string; pattern: RegExp }> = [
  { label: 'tells the model to ignore its instructions', pattern: /\b(ignore|disregard|forget|override)\b.{0,30}\b(previous|prior|above|earlier|all|other|system|your)\b.{0,20}\b(instructions?|prompts?|rules|guidelines|messages)\b/i },
  { label: 'tells the model to keep something from the user', pattern: /\b(do not|don't|never|without)\b.{0,20}\b(tell|telling|inform|informing|mention|mentioning|reveal|revealing|show|showing|notify|notifying|alert|alerting|ask|asking)\b.{0,20}\b(the )?user\b/i },
  { label: 'asks for a file with secrets', pattern: /\b(read|cat|open|send|include|upload|pass|attach|provide|copy|load)\b.{0,40}(~\/\.ssh|\bid_rsa\b|\bid_ed25519\b|\.aws\/credentials|(^|[\s'"\/~])\.env\b|mcp\.json|\.npmrc|\.netrc|\/etc\/(passwd|shadow)|\.kube\/config|private keys?\b|ssh keys?\b)/i },
  { label: 'gives orders to run first', pattern: /\bbefore (using|calling|invoking|running) (this|the|any) tool\b/i },
  { label: 'has a hidden-instruction block', pattern: /<\s*\/?\s*(important|system|instructions?|secret|hidden|admin|prompt)\s*>/i },
  { label: 'addresses the model directly', pattern: /\b(you are an ai|as an ai( model| assistant)?|ai assistant,? you must|you must (always|first|now|also)|system prompt)\b/i },
  { label: 'asks to send data elsewhere', pattern: /\b(send|upload|post|forward|exfiltrate|include)\b.{0,40}\b(to|into)\b.{0,20}(https?:\/\/|\b(the )?(sidenote|note) (parameter|field|argument))/i },
];

interface TextField {
  field: string;
  text: string;
}

/** Every flag for one definition, e.g. `invisible_unicode: description has tag characters …`. */
export function poisoningFlags(tool: ToolDefinition): string[] {
  const flags: string[] = [];
  for (const { field, text } of readableText(tool)) {
    for (const range of INVISIBLE) {
      const count = countChars(text, range.test);
      if (count > 0) flags.push(`invisible_unicode: ${field} has ${count} ${range.label}`);
    }
    for (const { label, pattern } of INSTRUCTIONS) {
      const match = pattern.exec(text);
      if (match) flags.push(`model_instruction: ${field} ${label}: "${clip(match[0])}"`);
    }
  }
  return flags;
}

function countChars(text: string, test: (code: number) => boolean): number {
  let count = 0;
  for (const char of text) if (test(char.codePointAt(0) ?? 0)) count += 1;
  return count;
}

function clip(text: string): string {
  const visible = [...text].filter((char) => !INVISIBLE.some((range) => range.test(char.codePointAt(0) ?? 0))).join('');
  return visible.length > 60 ? `${visible.slice(0, 57)}…` : visible;
}

/** Name, title, description, and every string in the input schema and annotations (descriptions, titles, enums, defaults). */
function readableText(tool: ToolDefinition): TextField[] {
  const fields: TextField[] = [{ field: 'name', text: tool.name }];
  if (typeof tool.title === 'string') fields.push({ field: 'title', text: tool.title });
  if (typeof tool.description === 'string') fields.push({ field: 'description', text: tool.description });
  collectStrings(tool.inputSchema, 'inputSchema', fields, 0);
  collectStrings(tool.annotations, 'annotations', fields, 0);
  return fields;
}

function collectStrings(value: unknown, path: string, out: TextField[], depth: number): void {
  if (depth > 12) return;
  if (typeof value === 'string') {
    out.push({ field: path, text: value });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => collectStrings(item, `${path}[${index}]`, out, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      // Property names are read too: an instruction can hide in a key.
      if (countChars(key, (code) => INVISIBLE.some((range) => range.test(code))) > 0) out.push({ field: `${path} key`, text: key });
      collectStrings(item, `${path}.${key}`, out, depth + 1);
    }
  }
}
