// Reads a policy file (JSON or YAML) into a plain value for `validatePolicy`. Syntax errors, and
// duplicate keys (which would silently override an earlier rule), are reported as file:line:column.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';

export type PolicyFileErrorCode = 'POLICY_FILE_UNREADABLE' | 'POLICY_FILE_SYNTAX';

export class PolicyFileError extends Error {
  override readonly name = 'PolicyFileError';
  constructor(
    readonly code: PolicyFileErrorCode,
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

export type PolicyFormat = 'json' | 'yaml' | 'auto';

export async function readPolicyFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new PolicyFileError('POLICY_FILE_UNREADABLE', `cannot read ${path}: ${why}`, path);
  }
  return parsePolicyText(text, path);
}

/** Parses by the extension of `nameForErrors` (`.json`, `.yaml`, `.yml`; else JSON, then YAML). */
export function parsePolicyText(text: string, nameForErrors: string, format: PolicyFormat = formatOf(nameForErrors)): unknown {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (format === 'json') return parseJson(source, nameForErrors);
  if (format === 'yaml') return parseYaml(source, nameForErrors);
  try {
    return parseJson(source, nameForErrors);
  } catch (jsonError) {
    try {
      return parseYaml(source, nameForErrors);
    } catch (yamlError) {
      // Report the error of the format the author evidently meant.
      throw /^\s*[[{]/.test(source) ? jsonError : yamlError;
    }
  }
}

function formatOf(name: string): PolicyFormat {
  const extension = extname(name).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return 'auto';
}

function parseJson(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = /at position (\d+)/.exec(message)?.[1];
    const where = offsetToLineColumn(text, offset === undefined ? text.length : Number(offset));
    const what = message.replace(/\s*(in JSON )?at position \d+.*$/s, '').replace(/ \(line \d+ column \d+\)$/, '');
    throw syntaxError(file, where, what);
  }
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate !== undefined) {
    throw syntaxError(file, offsetToLineColumn(text, duplicate.offset), `duplicate key "${duplicate.key}"`);
  }
  return value;
}

function parseYaml(text: string, file: string): unknown {
  // `uniqueKeys` (the default) makes a duplicate key an error, as in JSON above; `prettyErrors` adds `linePos`.
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = document.errors[0];
  if (error !== undefined) {
    const position = error.linePos?.[0];
    const where = position ? { line: position.line, column: position.col } : { line: 1, column: 1 };
    throw syntaxError(file, where, error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, ''));
  }
  return document.toJS();
}

function syntaxError(file: string, where: { line: number; column: number }, what: string): PolicyFileError {
  return new PolicyFileError('POLICY_FILE_SYNTAX', `${file}:${where.line}:${where.column}: ${what}`, file, where.line, where.column);
}

function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** JSON.parse keeps the last of two equal keys; for a policy that would hide a rule, so it is an error.
 *  Runs only on text JSON.parse accepted, so a small scanner suffices. */
function findDuplicateJsonKey(text: string): { key: string; offset: number } | undefined {
  const stack: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const end = endOfString(text, i);
      const keys = stack[stack.length - 1];
      if (expectKey && keys !== undefined) {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (keys.has(key)) return { key, offset: i };
        keys.add(key);
        expectKey = false;
      }
      i = end - 1;
    } else if (char === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (char === '[') {
      stack.push(undefined);
      expectKey = false;
    } else if (char === '}' || char === ']') {
      stack.pop();
      expectKey = false;
    } else if (char === ',') {
      expectKey = stack[stack.length - 1] !== undefined;
    }
  }
  return undefined;
}

function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (char === '\\') i++;
    else if (char === '"') return i + 1;
  }
  return text.length;
}
