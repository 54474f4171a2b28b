// Argument readers for the MLflow handlers. The low-level SDK Server does not check arguments
// against inputSchema, so each handler reads what it needs here and a bad value says exactly why.

export type Args = Record<string, unknown>;

// A bad or missing argument; the dispatcher turns it into an `isError` result.
export class ArgumentError extends Error {}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

export function requireString(args: Args, key: string): string {
  const value = args[key];
  if (value === undefined) throw new ArgumentError(`missing required argument '${key}' (a string)`);
  if (typeof value !== 'string') throw new ArgumentError(`'${key}' must be a string, got ${describe(value)}`);
  if (value.trim() === '') throw new ArgumentError(`'${key}' must not be empty`);
  return value;
}

// Model versions are strings in the schema, but agents often send 2 for "2"; both are accepted.
export function requireVersion(args: Args, key: string): string {
  const value = args[key];
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return String(value);
  const text = requireString(args, key);
  if (!/^[1-9]\d*$/.test(text)) throw new ArgumentError(`'${key}' must be a version number such as "2", got ${JSON.stringify(text)}`);
  return text;
}

export function optionalString(args: Args, key: string): string | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ArgumentError(`'${key}' must be a string, got ${describe(value)}`);
  return value;
}

export function optionalInt(args: Args, key: string, fallback: number, min: number, max: number): number {
  const value = args[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ArgumentError(`'${key}' must be an integer, got ${describe(value)}`);
  }
  if (value < min || value > max) throw new ArgumentError(`'${key}' must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function optionalBool(args: Args, key: string, fallback: boolean): boolean {
  const value = args[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new ArgumentError(`'${key}' must be true or false, got ${describe(value)}`);
  return value;
}

export function optionalStringArray(args: Args, key: string): string[] | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new ArgumentError(`'${key}' must be a list of strings, got ${describe(value)}`);
  value.forEach((item, index) => {
    if (typeof item !== 'string') throw new ArgumentError(`'${key}[${index}]' must be a string, got ${describe(item)}`);
  });
  return value as string[];
}

export function requireStringArray(args: Args, key: string): string[] {
  const value = optionalStringArray(args, key);
  if (value === undefined) throw new ArgumentError(`missing required argument '${key}' (a list of strings)`);
  if (value.length === 0) throw new ArgumentError(`'${key}' must name at least one item`);
  return value;
}

export function optionalObject(args: Args, key: string): Record<string, unknown> | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ArgumentError(`'${key}' must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

export function requireObject(args: Args, key: string): Record<string, unknown> {
  const value = optionalObject(args, key);
  if (value === undefined) throw new ArgumentError(`missing required argument '${key}' (an object)`);
  return value;
}

export function optionalObjectArray(args: Args, key: string): Array<Record<string, unknown>> | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new ArgumentError(`'${key}' must be a list of objects, got ${describe(value)}`);
  value.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new ArgumentError(`'${key}[${index}]' must be an object, got ${describe(item)}`);
    }
  });
  return value as Array<Record<string, unknown>>;
}

// Tag values are strings in MLflow; numbers and booleans are stringified, anything else refused.
export function tagValues(key: string, tags: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(tags)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') result[name] = String(value);
    else throw new ArgumentError(`'${key}.${name}' must be a string, got ${describe(value)}`);
  }
  return result;
}
