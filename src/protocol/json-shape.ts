// What JSON.parse lets through but the gateway must refuse: an object with the same key twice (the
// parser keeps the last one, so two readers could judge different values) and nesting too deep to
// walk safely. Runs over text JSON.parse has already accepted, so it only tracks structure.

/** Deepest nesting of objects and arrays accepted in one message. */
export const MAX_JSON_DEPTH = 64;

interface Frame {
  keys: Set<string> | undefined; // undefined for an array
  expectKey: boolean;
  path: string;
}

/** Describes the first duplicate key or excess depth in `text` (valid JSON), or undefined. */
export function jsonShapeProblem(text: string, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: Frame[] = [];
  let lastKey = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (char === 0x22 /* " */) {
      const end = stringEnd(text, i);
      const frame = stack[stack.length - 1];
      if (frame?.keys && frame.expectKey) {
        const raw = text.slice(i, end + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (frame.keys.has(key)) return `duplicate key ${JSON.stringify(key)} in ${frame.path || 'the message'}`;
        frame.keys.add(key);
        frame.expectKey = false;
        lastKey = key;
      }
      i = end;
    } else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      if (stack.length >= maxDepth) return `nesting deeper than ${maxDepth} levels`;
      const parent = stack[stack.length - 1];
      const path = parent === undefined ? '' : parent.keys ? join(parent.path, lastKey) : `${parent.path}[]`;
      stack.push({ keys: char === 0x7b ? new Set() : undefined, expectKey: char === 0x7b, path });
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      stack.pop();
    } else if (char === 0x2c /* , */) {
      const frame = stack[stack.length - 1];
      if (frame?.keys) frame.expectKey = true;
    }
  }
  return undefined;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Index of the quote closing the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (char === 0x5c /* \ */) i += 1;
    else if (char === 0x22) return i;
  }
  return text.length;
}
