// Dot paths into a call's arguments (`args.metadata.key`): parsed once when the policy loads,
// then walked on every call without string work.

/** Returned by `lookupArg` when the path leads nowhere; distinct from a present `null`. */
export const MISSING: unique symbol = Symbol('missing');

export interface ArgSegment {
  readonly key: string;
  /** The segment as an array index when it is a whole number, else -1. */
  readonly index: number;
}

export type ArgPath = readonly ArgSegment[];

const INDEX = /^(0|[1-9]\d*)$/;

/** `"args"` → `[]`; `"args.a.b"` → segments a, b; undefined when the text is not such a path. */
export function parseArgPath(text: string): ArgPath | undefined {
  if (text === 'args') return [];
  if (!text.startsWith('args.')) return undefined;
  const parts = text.slice('args.'.length).split('.');
  if (parts.some((part) => part.length === 0)) return undefined;
  return toArgPath(parts);
}

/** Segments already split, e.g. `LimitRule.incrementFrom`. */
export function toArgPath(keys: readonly string[]): ArgPath {
  return keys.map((key) => ({ key, index: INDEX.test(key) ? Number(key) : -1 }));
}

/** Own properties only: `args.constructor` must not find Object.prototype.constructor. */
export function lookupArg(args: unknown, path: ArgPath): unknown {
  let current: unknown = args;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (Array.isArray(current)) {
      if (segment.index < 0 || segment.index >= current.length) return MISSING;
      current = current[segment.index];
    } else if (typeof current === 'object' && current !== null) {
      if (!Object.hasOwn(current, segment.key)) return MISSING;
      current = (current as Record<string, unknown>)[segment.key];
    } else {
      return MISSING;
    }
    if (current === undefined) return MISSING;
  }
  return current;
}
