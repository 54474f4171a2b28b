// `${VAR}` in config strings, read from the environment; a missing variable is an error, never "".

export interface EnvIssue {
  path: string;
  message: string;
}

export function expandEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: string,
  issues: EnvIssue[],
): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => {
      const found = env[name];
      if (found === undefined) {
        issues.push({ path, message: `environment variable ${name} is not set` });
        return whole;
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => expandEnv(item, env, `${path}[${index}]`, issues));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = expandEnv(item, env, path ? `${path}.${key}` : key, issues);
    return out;
  }
  return value;
}
