// Throws fuzz cases at the gateway's Streamable HTTP endpoint over loopback keep-alive connections:
// inside a real session, and with session, auth, content-type, origin, host, path and verb variants.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { answerProblem } from './answer-checks.js';
import { count, note, type Tally } from './fuzz-tally.js';
import type { FuzzCase } from './mutations.js';

export interface HttpTarget {
  port: number;
  /** Server name → the id of an initialized session on it. */
  sessions: Map<string, string>;
  token: string;
  /** A token whose grant reaches no fuzzed server. */
  otherToken: string;
  openSession(server: string): Promise<string>;
  /** Tools each server's policy hides. */
  hidden: ReadonlyMap<string, ReadonlySet<string>>;
}

interface Variant {
  /** A request the gateway must judge on its body: must-refuse inputs are checked here. */
  sound: boolean;
  verb?: string;
  /** Sent chunked, without Content-Length: the body bound must hold while streaming. */
  chunked?: boolean;
  path?(server: string): string;
  headers(target: HttpTarget, server: string, other: string): Record<string, string | undefined>;
}

const base = (target: HttpTarget, server: string): Record<string, string | undefined> => ({
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  authorization: `Bearer ${target.token}`,
  'mcp-session-id': target.sessions.get(server),
});

const VARIANTS: Variant[] = [
  { sound: true, headers: base },
  { sound: true, chunked: true, headers: base },
  { sound: false, headers: (t, s) => ({ ...base(t, s), 'mcp-session-id': undefined }) },
  { sound: false, headers: (t, s) => ({ ...base(t, s), 'mcp-session-id': 'ses_forged_0000000000' }) },
  { sound: false, headers: (t, s, o) => ({ ...base(t, s), 'mcp-session-id': t.sessions.get(o) }) },
  { sound: false, headers: (t, s) => ({ ...base(t, s), authorization: undefined }) },
  { sound: false, headers: (t, s) => ({ ...base(t, s), authorization: 'Bearer tg_not_a_token' }) },
  { sound: false, headers: (t, s) => ({ ...base(t, s), authorization: `Bearer ${t.otherToken}` }) },
  { sound: true, headers: (t, s) => ({ ...base(t, s), authorization: `bearer ${t.token}` }) },
  { sound: false, headers: (t, s) => ({ ...base(t, s), authorization: `Basic ${t.token}` }) },
  { sound: false, headers: (t, s) => ({ ...base(t, s), 'content-type': 'text/plain' }) },
  { sound: false, headers: (t, s) => ({ ...base(t, s), 'content-type': undefined }) },
  { sound: true, headers: (t, s) => ({ ...base(t, s), 'content-type': 'application/json; charset=utf-8' }) },
  { sound: true, headers: (t, s) => ({ ...base(t, s), 'content-type': 'APPLICATION/JSON' }) },
  { sound: true, headers: (t, s) => ({ ...base(t, s), accept: undefined }) },
  { sound: false, headers: (t, s) => ({ ...base(t, s), origin: 'https://evil.example' }) },
  { sound: true, headers: (t, s) => ({ ...base(t, s), origin: 'http://localhost:3000' }) },
  { sound: false, headers: (t, s) => ({ ...base(t, s), host: 'evil.example' }) },
  { sound: false, headers: (t, s) => ({ ...base(t, s), origin: 'not a url' }) },
  { sound: false, path: () => '/mcp/no-such-server', headers: base },
  { sound: false, path: () => '/mcp/%ZZ', headers: base },
  { sound: false, path: () => '/mcp/%ED%A0%80', headers: base },
  { sound: true, path: (s) => `/mcp/${s}/`, headers: base },
  { sound: true, path: (s) => `/mcp/${s}?x=%ZZ`, headers: base },
  { sound: false, path: (s) => `/mcp/${s}/extra`, headers: base },
  { sound: false, path: () => '/mcp/', headers: base },
  { sound: false, path: () => '/', headers: base },
  { sound: false, verb: 'PUT', headers: base },
  { sound: false, verb: 'PATCH', headers: base },
  { sound: false, verb: 'GET', headers: (t, s) => ({ ...base(t, s), accept: 'application/json' }) },
  { sound: false, headers: (t, s) => ({ ...base(t, s), 'mcp-session-id': `${t.sessions.get(s) ?? ''}x` }) },
];

const HANG_MS = 15_000;

export interface HttpRun {
  /** Sessions opened by session-less initialize requests (ended again by close). */
  readonly opened: number;
  send(fuzz: FuzzCase, server: string, other: string): Promise<void>;
  close(): void;
}

export function createHttpRun(target: HttpTarget, tally: Tally): HttpRun {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const extraSessions = new Set<string>();

  async function send(fuzz: FuzzCase, server: string, other: string): Promise<void> {
    const variant = VARIANTS[fuzz.variant % VARIANTS.length]!;
    const headers = Object.fromEntries(Object.entries(variant.headers(target, server, other)).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const answer = await exchange(agent, target.port, variant.verb ?? 'POST', variant.path?.(server) ?? `/mcp/${server}`, headers, fuzz.bytes, variant.chunked);
    tally.messages += 1;
    if (answer.kind === 'hang') return note(tally, 'hangs', `no answer within ${HANG_MS} ms`, fuzz.bytes);
    if (answer.kind === 'error') return note(tally, 'crashes', `connection failed: ${answer.message}`, fuzz.bytes);
    count(tally, String(answer.status));
    const body = parseBody(answer.headers, answer.body);
    const error = body?.['error'] as { code?: number; message?: string } | undefined;
    // The gateway's own -32603 means a bug in it (a server may answer -32603 for its own reasons).
    if (answer.status >= 500 || (error?.code === -32603 && /in the gateway/.test(error.message ?? ''))) return note(tally, 'crashes', `HTTP ${answer.status} ${answer.body.toString('utf8').slice(0, 200)}`, fuzz.bytes);
    const opened = answer.headers['mcp-session-id'];
    if (typeof opened === 'string' && !variant.sound) extraSessions.add(`${server} ${opened}`);
    if (variant.sound && answer.status === 404 && /session/.test(error?.message ?? '')) {
      note(tally, 'crashes', `the fuzz session on ${server} was lost`, fuzz.bytes);
      target.sessions.set(server, await target.openSession(server));
      return;
    }
    const problem = answerProblem(fuzz.bytes, body, target.hidden.get(server) ?? new Set());
    if (problem) note(tally, 'escapes', problem, fuzz.bytes);
    if (variant.sound && fuzz.mustRefuse && (answer.status === 202 || !error || 'result' in (body ?? {}))) {
      note(tally, 'escapes', `${fuzz.mustRefuse} [${fuzz.tags.join(',')}] accepted: HTTP ${answer.status} ${answer.body.toString('utf8').slice(0, 120)}`, fuzz.bytes);
    }
  }

  return {
    send,
    get opened() {
      return extraSessions.size;
    },
    close: () => {
      for (const entry of extraSessions) {
        const [server, id] = entry.split(' ') as [string, string];
        void exchange(agent, target.port, 'DELETE', `/mcp/${server}`, { authorization: `Bearer ${target.token}`, 'mcp-session-id': id }, Buffer.alloc(0));
      }
      setTimeout(() => agent.destroy(), 500).unref();
    },
  };
}

type Answer = { kind: 'answer'; status: number; headers: IncomingHttpHeaders; body: Buffer } | { kind: 'hang' } | { kind: 'error'; message: string };

function exchange(agent: Agent, port: number, method: string, path: string, headers: Record<string, string>, body: Buffer, chunked = false): Promise<Answer> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: Answer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const req = request({ agent, host: '127.0.0.1', port, method, path, headers: chunked ? headers : { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish({ kind: 'answer', status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (error) => finish({ kind: 'error', message: error.message }));
    });
    const timer = setTimeout(() => {
      finish({ kind: 'hang' });
      req.destroy();
    }, HANG_MS);
    req.on('error', (error) => finish({ kind: 'error', message: error.message }));
    if (chunked) {
      req.write(body.subarray(0, body.length >> 1));
      req.end(body.subarray(body.length >> 1));
    } else req.end(body);
  });
}

function parseBody(headers: IncomingHttpHeaders, body: Buffer): Record<string, unknown> | undefined {
  let text = body.toString('utf8');
  if ((headers['content-type'] ?? '').startsWith('text/event-stream')) {
    text = text.split('\n').filter((line) => line.startsWith('data: ')).at(-1)?.slice(6) ?? '';
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
