// Checks a server's tool names against the MCP spec (1–128 of A–Z a–z 0–9 _ - .) and for names that
// differ only in case, separators or Unicode form: the gateway matches exactly, but a server might not.

export type NameProblem =
  | { kind: 'invalid_name'; name: string; reason: string }
  | { kind: 'name_collision'; name: string; others: string[] };

export const MAX_TOOL_NAME_LENGTH = 128;
const ALLOWED = /^[A-Za-z0-9_.-]$/;

/** Why a name is outside the spec's character set or length, e.g. `has " " (U+0020) at position 5, …`. */
export function invalidNameReason(name: string): string | undefined {
  const chars = [...name];
  if (chars.length === 0) return 'is empty';
  if (chars.length > MAX_TOOL_NAME_LENGTH) return `is ${chars.length} characters long, over the limit of ${MAX_TOOL_NAME_LENGTH}`;
  const index = chars.findIndex((char) => !ALLOWED.test(char));
  if (index < 0) return undefined;
  const others = new Set(chars.filter((char) => !ALLOWED.test(char))).size - 1;
  const more = others > 0 ? ` (and ${others} other such character${others === 1 ? '' : 's'})` : '';
  return `has ${describeChar(chars[index]!)} at position ${index + 1}${more}, outside A–Z a–z 0–9 _ - .`;
}

/** The form two names must not share on one server: NFKC, case-folded, with `-`, `_` and `.` alike. */
export function nameKey(name: string): string {
  // toUpperCase then toLowerCase approximates full case folding (ß → ss, ſ → s); NFKC again after it.
  return name.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC').replace(/[-_.]/g, '_');
}

/** Every problem of each name in one server's listing; names without problems are absent. */
export function checkToolNames(names: readonly string[]): Map<string, NameProblem[]> {
  const problems = new Map<string, NameProblem[]>();
  const add = (problem: NameProblem): void => {
    const list = problems.get(problem.name);
    if (list) list.push(problem);
    else problems.set(problem.name, [problem]);
  };
  const byKey = new Map<string, string[]>();
  // A name listed twice is the same tool (the first definition counts), not a collision.
  for (const name of new Set(names)) {
    const reason = invalidNameReason(name);
    if (reason !== undefined) add({ kind: 'invalid_name', name, reason });
    const key = nameKey(name);
    const same = byKey.get(key);
    if (same) same.push(name);
    else byKey.set(key, [name]);
  }
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    for (const name of group) add({ kind: 'name_collision', name, others: group.filter((other) => other !== name) });
  }
  return problems;
}

/** A catalog flag, e.g. `name_collision: "delete-file" is the same name as "delete_file" after normalisation …`. */
export function nameFlag(problem: NameProblem): string {
  if (problem.kind === 'invalid_name') return `invalid_name: name ${problem.reason}`;
  const others = problem.others.map((other) => `"${printableName(other)}"`).join(', ');
  return `name_collision: "${printableName(problem.name)}" is the same name as ${others} after normalisation (NFKC, case, - _ . alike)`;
}

/** Whether a catalog flag is one of these name flags (a flagged name is refused). */
export function isNameFlag(flag: string): boolean {
  return flag.startsWith('invalid_name:') || flag.startsWith('name_collision:');
}

/** A name as plain ASCII: anything else escaped as `\u{…}`, so a flag cannot carry hidden text. */
function printableName(name: string): string {
  const shown = [...name].map((char) => (/^[\x20-\x7e]$/.test(char) && char !== '\\' ? char : `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`)).join('');
  return shown.length > 80 ? `${shown.slice(0, 77)}…` : shown;
}

function describeChar(char: string): string {
  const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  // Only plain ASCII is shown as itself: a look-alike letter or an invisible one is named by code point.
  return /^[\x20-\x7e]$/.test(char) ? `"${char}" (${code})` : code;
}
