// Reads and validates the gateway config file (YAML or JSON), reporting every problem with its path.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { expandEnv, type EnvIssue } from './expand-env.js';
import {
  DEFAULT_LISTEN,
  DEFAULT_REQUEST_TIMEOUT_MS,
  isLoopbackHost,
  parseListen,
  type GatewayConfig,
  type PolicySource,
  type ServerConfig,
  type UpstreamSpec,
} from './gateway-config.js';
import { durationSetting } from './duration-setting.js';
import { parseState } from './parse-state.js';
import { parseAdmin, parseApprovals } from './parse-approvals.js';
import { parseHttpTimeouts, parseMessageSize } from './parse-limits.js';
import { isObject } from '../lib/is-object.js';

export interface ConfigIssue {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(`invalid config ${file}:\n${issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const TOP_KEYS = new Set(['listen', 'dataDir', 'state', 'auth', 'failMode', 'approvals', 'admin', 'servers', 'allowedOrigins', 'http']);
const SERVER_KEYS = new Set(['command', 'args', 'env', 'cwd', 'url', 'headers', 'transport', 'policy', 'shared', 'timeout', 'maxMessageSize', 'era']);
const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<GatewayConfig> {
  const configPath = resolve(file);
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (error) {
    throw new ConfigError(configPath, [{ path: '', message: `cannot read file: ${(error as Error).message}` }]);
  }
  let raw: unknown;
  try {
    raw = configPath.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true });
  } catch (error) {
    throw new ConfigError(configPath, [{ path: '', message: `syntax error: ${(error as Error).message}` }]);
  }
  return parseConfig(raw, { configPath, env });
}

export function parseConfig(raw: unknown, options: { configPath?: string; env?: NodeJS.ProcessEnv; baseDir?: string }): GatewayConfig {
  const file = options.configPath ?? '(inline config)';
  const baseDir = options.baseDir ?? (options.configPath ? dirname(options.configPath) : process.cwd());
  const issues: ConfigIssue[] = [];
  const envIssues: EnvIssue[] = [];
  const doc = expandEnv(raw, options.env ?? process.env, '', envIssues);
  issues.push(...envIssues);
  if (!isObject(doc)) throw new ConfigError(file, [{ path: '', message: 'must be a mapping of settings' }]);
  for (const key of Object.keys(doc)) if (!TOP_KEYS.has(key)) issues.push({ path: key, message: 'unknown setting' });

  let listen = DEFAULT_LISTEN;
  if (doc['listen'] !== undefined) {
    const parsed = typeof doc['listen'] === 'string' ? parseListen(doc['listen']) : undefined;
    if (parsed) listen = parsed;
    else issues.push({ path: 'listen', message: 'must be "host:port", e.g. "127.0.0.1:8420" (port 0 picks a free port)' });
  }
  const dataDir = resolveFrom(baseDir, stringOr(doc, 'dataDir', '.toolgate', issues));
  const auth = enumOr(doc, 'auth', ['grants', 'none'] as const, 'grants', issues);
  const failMode = enumOr(doc, 'failMode', ['closed', 'open'] as const, 'closed', issues);
  if (auth === 'none' && !isLoopbackHost(listen.host)) {
    issues.push({ path: 'auth', message: `"none" is only allowed on a loopback listen address, not ${listen.host}` });
  }
  const allowedOrigins = stringList(doc, 'allowedOrigins', issues);
  const approvals = parseApprovals(doc['approvals'], issues);
  const admin = parseAdmin(doc['admin'], issues);
  const state = parseState(doc['state'], issues);
  const http = parseHttpTimeouts(doc['http'], issues);
  const servers = parseServers(doc['servers'], baseDir, issues);

  if (issues.length > 0) throw new ConfigError(file, issues);
  return {
    ...(options.configPath ? { configPath: options.configPath } : {}),
    listen,
    dataDir,
    auth,
    failMode,
    allowedOrigins,
    approvals,
    ...(admin ? { admin } : {}),
    ...(state ? { state } : {}),
    http,
    servers,
  };
}

function parseServers(raw: unknown, baseDir: string, issues: ConfigIssue[]): Record<string, ServerConfig> {
  const servers: Record<string, ServerConfig> = {};
  if (!isObject(raw) || Object.keys(raw).length === 0) {
    issues.push({ path: 'servers', message: 'must name at least one server' });
    return servers;
  }
  for (const [name, entry] of Object.entries(raw)) {
    const path = `servers.${name}`;
    if (!SERVER_NAME.test(name)) issues.push({ path, message: 'server names are letters, digits, "_", "-" and "." (used in the URL /mcp/<name>)' });
    if (!isObject(entry)) {
      issues.push({ path, message: 'must be a mapping with "command" or "url", and "policy"' });
      continue;
    }
    for (const key of Object.keys(entry)) if (!SERVER_KEYS.has(key)) issues.push({ path: `${path}.${key}`, message: 'unknown setting' });
    const parsedUpstream = parseUpstream(entry, path, baseDir, issues);
    const maxMessageBytes = parseMessageSize(entry['maxMessageSize'], `${path}.maxMessageSize`, issues);
    const upstream = parsedUpstream && maxMessageBytes !== undefined ? { ...parsedUpstream, maxMessageBytes } : parsedUpstream;
    const policy = parsePolicySource(entry['policy'], `${path}.policy`, baseDir, issues);
    const shared = entry['shared'] ?? false;
    if (typeof shared !== 'boolean') issues.push({ path: `${path}.shared`, message: 'must be true or false' });
    const requestTimeoutMs = durationSetting(entry['timeout'], `${path}.timeout`, '"30s" or "2m"', issues) ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const era = enumOr(entry, 'era', ['auto', 'legacy', 'modern', 'dual'] as const, 'auto', issues, path);
    if ((era === 'modern' || era === 'dual') && upstream?.kind === 'http' && upstream.transport === 'sse') {
      issues.push({ path: `${path}.era`, message: `"${era}" needs a server that speaks 2026-07-28, but transport: sse is the legacy HTTP+SSE transport` });
    }
    if (upstream && policy) servers[name] = { name, upstream, policy, shared: shared === true, requestTimeoutMs, era };
  }
  return servers;
}

function parseUpstream(entry: Record<string, unknown>, path: string, baseDir: string, issues: ConfigIssue[]): UpstreamSpec | undefined {
  const hasCommand = entry['command'] !== undefined;
  const hasUrl = entry['url'] !== undefined;
  if (hasCommand === hasUrl) {
    issues.push({ path, message: 'needs exactly one of "command" (a stdio server) or "url" (an HTTP server)' });
    return undefined;
  }
  if (hasCommand) {
    if (typeof entry['command'] !== 'string' || entry['command'] === '') {
      issues.push({ path: `${path}.command`, message: 'must be a non-empty string' });
      return undefined;
    }
    const args = stringList(entry, 'args', issues, path);
    const env = stringMap(entry, 'env', issues, path);
    const cwd = entry['cwd'];
    if (cwd !== undefined && typeof cwd !== 'string') issues.push({ path: `${path}.cwd`, message: 'must be a directory path' });
    for (const key of ['url', 'headers', 'transport']) if (entry[key] !== undefined) issues.push({ path: `${path}.${key}`, message: 'only applies to servers with "url"' });
    return { kind: 'stdio', command: entry['command'], args, env, ...(typeof cwd === 'string' ? { cwd: resolveFrom(baseDir, cwd) } : {}) };
  }
  const url = entry['url'];
  if (typeof url !== 'string' || !/^https?:\/\//.test(url) || !URL.canParse(url)) {
    issues.push({ path: `${path}.url`, message: 'must be an http:// or https:// URL' });
    return undefined;
  }
  for (const key of ['args', 'env', 'cwd']) if (entry[key] !== undefined) issues.push({ path: `${path}.${key}`, message: 'only applies to servers with "command"' });
  const headers = stringMap(entry, 'headers', issues, path);
  const transport = enumOr(entry, 'transport', ['auto', 'streamable-http', 'sse'] as const, 'auto', issues, path);
  return { kind: 'http', url, headers, transport };
}

function parsePolicySource(raw: unknown, path: string, baseDir: string, issues: ConfigIssue[]): PolicySource | undefined {
  if (typeof raw === 'string' && raw !== '') return { kind: 'file', path: resolveFrom(baseDir, raw) };
  if (isObject(raw)) return { kind: 'inline', document: raw };
  issues.push({ path, message: 'must be the path of a policy file (relative to the config file) or an inline policy' });
  return undefined;
}


function resolveFrom(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function stringOr(doc: Record<string, unknown>, key: string, fallback: string, issues: ConfigIssue[]): string {
  const value = doc[key];
  if (value === undefined) return fallback;
  if (typeof value === 'string' && value !== '') return value;
  issues.push({ path: key, message: 'must be a non-empty string' });
  return fallback;
}

function enumOr<T extends string>(doc: Record<string, unknown>, key: string, allowed: readonly T[], fallback: T, issues: ConfigIssue[], prefix = ''): T {
  const value = doc[key];
  if (value === undefined) return fallback;
  if (allowed.includes(value as T)) return value as T;
  issues.push({ path: prefix ? `${prefix}.${key}` : key, message: `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}` });
  return fallback;
}

function stringList(doc: Record<string, unknown>, key: string, issues: ConfigIssue[], prefix = ''): string[] {
  const value = doc[key];
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  issues.push({ path: prefix ? `${prefix}.${key}` : key, message: 'must be a list of strings' });
  return [];
}

function stringMap(doc: Record<string, unknown>, key: string, issues: ConfigIssue[], prefix: string): Record<string, string> {
  const value = doc[key];
  if (value === undefined) return {};
  if (isObject(value) && Object.values(value).every((item) => typeof item === 'string')) return value as Record<string, string>;
  issues.push({ path: `${prefix}.${key}`, message: 'must be a mapping of names to strings' });
  return {};
}
