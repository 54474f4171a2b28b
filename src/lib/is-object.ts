// The one test for "a plain JSON object" (not null, not an array), shared by every parser.

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
