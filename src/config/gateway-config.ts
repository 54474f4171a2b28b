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
      /** The longest message (stdout line) accepted from the server; absent: 4 MiB. */
      maxMessageBytes?: number;
    }
  | {
      kind: 'http';
      url: string;
      headers: Readonly<Record<string, string>>;
      /** `auto` tries Streamable HTTP, then legacy HTTP+SSE. */
      transport: 'auto' | 'streamable-http' | 'sse';
      /** The longest message (a JSON body, one SSE event) accepted from the server; absent: 4 MiB. */
      maxMessageBytes?: number;
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
  /** Which protocol eras the server speaks (decision 021): `auto` (absent) probes it once per
   *  process; `legacy` always opens with `initialize`; `modern` never does; `dual` opens legacy
   *  clients' sessions with `initialize` and serves 2026-07-28 clients in that era. */
  era?: UpstreamEra;
}

export type UpstreamEra = 'auto' | 'legacy' | 'modern' | 'dual';

/** State shared by several replicas: counters, approvals and grants (audit and catalog stay in `dataDir`). */
export interface StateConfig {
  kind: 'redis';
  url: string;
  keyPrefix: string;
  /** How long a call may wait for Redis before it is refused as unavailable. */
  timeoutMs: number;
  /** Busy call counts served from leases, a round trip per 32 calls instead of one per call (decision 019). */
  leases: boolean;
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
  approvals: ApprovalsConfig;
  /** The admin HTTP API (approvals); absent: not served. */
  admin?: AdminConfig;
  /** Absent: counters in the embedded SQLite file. */
  state?: StateConfig;
  /** Timeouts of the client-facing HTTP server; what is absent keeps the transport's default. */
  http?: HttpTimeouts;
  servers: Readonly<Record<string, ServerConfig>>;
}

export interface ApprovalsConfig {
  /** How long a call waits for a decision before it is answered "pending". */
  holdSeconds: number;
  /** Told of every new approval (a JSON POST). */
  webhook?: string;
  /** Signs webhook bodies: `X-Toolgate-Signature: sha256=<hex HMAC-SHA256 of the body>`. */
  webhookSecret?: string;
}

/** Named as McpHttpServerOptions names them, so the gateway can pass them on as they are. */
export interface HttpTimeouts {
  /** How long a client may take to send a request's headers. */
  headersTimeoutMs?: number;
  /** How long a client may take to send a whole request (headers and body); not the answer. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open between requests. */
  keepAliveTimeoutMs?: number;
}

export interface AdminConfig {
  listen: ListenAddress;
  /** Bearer token every admin request must carry. */
  token: string;
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
