// The gateways the fuzz runs against, each in front of real counting servers that log every call
// reaching them: the HTTP gateway (real stores) with two servers, and a stdio session as `wrap` runs it.
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { notConfiguredApprovals } from '../../src/approvals/approval-hook.js';
import { createMemoryAuditSink } from '../../src/audit/memory-audit-sink.js';
import { ClientSession } from '../../src/gateway/client-session.js';
import { loadServerPolicy } from '../../src/gateway/load-server-policy.js';
import { createPolicyHolder } from '../../src/gateway/policy-holder.js';
import { createServerRuntime } from '../../src/gateway/server-runtime.js';
import { systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { createPolicyEngine } from '../../src/policy/engine.js';
import { createMemoryCounterStore } from '../../src/state/memory-counter-store.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { COUNTING_SERVER } from '../helpers/paths.js';
import { countingServer, type CallLog } from '../helpers/tool-calls.js';
import type { HttpTarget } from './http-driver.js';
import type { PolicyExpectation } from './fuzz-policy.js';

export function logLines(log: CallLog): string[] {
  return readFileSync(log.path, 'utf8').split('\n').filter((line) => line !== '');
}

export interface HttpGateway extends HttpTarget {
  gateway: TestGateway;
}

export async function startHttpGateway(dir: string, servers: Record<string, { expectation: PolicyExpectation; log: CallLog }>): Promise<HttpGateway> {
  const gateway = await startTestGateway({
    servers: Object.fromEntries(Object.entries(servers).map(([name, { expectation, log }]) => [name, countingServer(expectation.policy, log)])),
    store: 'sqlite',
    dataDir: dir,
  });
  const token = gateway.token(Object.keys(servers));
  const otherToken = gateway.token(['elsewhere']);
  const port = gateway.gateway.port;
  const openSession = async (server: string): Promise<string> => {
    const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } } };
    const opened = await post(port, server, token, undefined, init);
    const id = opened.headers['mcp-session-id'];
    if (typeof id !== 'string') throw new Error(`initialize on ${server} opened no session: ${opened.status}`);
    await post(port, server, token, id, { jsonrpc: '2.0', method: 'notifications/initialized' });
    return id;
  };
  const sessions = new Map<string, string>();
  for (const server of Object.keys(servers)) sessions.set(server, await openSession(server));
  const hidden = new Map(Object.entries(servers).map(([name, { expectation }]) => [name, expectation.hidden]));
  return { gateway, port, token, otherToken, sessions, openSession, hidden };
}

/** One sound JSON POST; resolves with the status, headers and parsed body. */
export function post(port: number, server: string, token: string, sessionId: string | undefined, body: unknown): Promise<{ status: number; headers: Record<string, unknown>; json: Record<string, unknown> | undefined }> {
  const bytes = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method: 'POST', path: `/mcp/${server}`,
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'content-length': String(bytes.length), ...(sessionId ? { 'mcp-session-id': sessionId } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> | undefined;
        try {
          json = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
      });
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

export interface StdioGateway {
  session: ClientSession;
  log: CallLog;
}

/** A ClientSession as `toolgate wrap` builds one (policy engine, counters, audit, counting child). */
export async function startStdioSession(name: string, expectation: PolicyExpectation, log: CallLog): Promise<StdioGateway> {
  const loaded = await loadServerPolicy({ kind: 'inline', document: expectation.policy });
  if (loaded.kind !== 'ok') throw new Error(`bad fuzz policy: ${JSON.stringify(loaded.errors)}`);
  const runtime = createServerRuntime(
    { name, upstream: { kind: 'stdio', command: process.execPath, args: [COUNTING_SERVER], env: { COUNTING_SERVER_LOG: log.path } }, policy: { kind: 'inline', document: expectation.policy }, shared: false, requestTimeoutMs: 60_000 },
    createPolicyHolder(name, loaded.policy, createPolicyEngine),
    silentLogger,
  );
  const session = new ClientSession({
    runtime,
    grantId: 'local',
    deps: { counters: createMemoryCounterStore({ clock: systemClock }), audit: createMemoryAuditSink(), approvals: notConfiguredApprovals, clock: systemClock, logger: silentLogger },
    logger: silentLogger,
  });
  return { session, log };
}
