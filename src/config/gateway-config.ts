// The gateway config after validation (see docs/config.md for the file format).

export interface ListenAddress {
  host: string;
  port: number;
}

export type UpstreamSpec =
  | {
      kind: 'stdio';
      command: string;
      args: readonly string[];
      env: Readonly<Record<string, string>>;
      cwd?: string;
    }
  | {
      kind: 'http';
      url: string;
      headers: Readonly<Record<string, string>>;
      /** `auto` tries Streamable HTTP, then legacy HTTP+SSE. */
      transport: 'auto' | 'streamable-http' | 'sse';
    };

export type PolicySource =
  | { kind: 'file'; path: string }
  | { kind: 'inline'; document: unknown };

export interface ServerConfig {
  name: string;
  upstream: UpstreamSpec;
  policy: PolicySource;
  /** true: every client session shares one upstream connection. */
  shared: boolean;
  /** How long one forwarded request may wait for the server. */
  requestTimeoutMs: number;
}

export interface GatewayConfig {
  /** Absolute path of the config file, or undefined when built in code. */
  configPath?: string;
  listen: ListenAddress;
  /** Absolute path of the directory holding the embedded SQLite file. */
  dataDir: string;
  auth: 'grants' | 'none';
  failMode: 'closed' | 'open';
  /** Extra `Origin` values accepted on the MCP endpoint besides the gateway's own. */
  allowedOrigins: readonly string[];
  approvals: { holdSeconds: number; webhook?: string };
  state?: string;
  servers: Readonly<Record<string, ServerConfig>>;
}

export const DEFAULT_LISTEN: ListenAddress = { host: '127.0.0.1', port: 8420 };
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

export function parseListen(text: string): ListenAddress | undefined {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port > 65535) return undefined;
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}
