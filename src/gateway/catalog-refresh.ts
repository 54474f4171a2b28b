// Keeps the catalog fresh: lists every tool of a server over a connection of its own (initialize,
// every tools/list page, close) at start, after `notifications/tools/list_changed`, and when a
// call names a tool the catalog has not seen. Never blocks the gateway: a failure is logged and
// the next trigger tries again.
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { Logger } from '../lib/logger.js';
import { isErrorResponse, isRequest, isResponse, type JsonRpcResponse } from '../protocol/jsonrpc.js';
import { wireError } from '../protocol/wire-errors.js';
import type { UpstreamLink } from '../transport/upstream/upstream-link.js';
import type { ServerRuntime } from './server-runtime.js';

export interface CatalogRefresher {
  /** Lists the server's tools now (joining a refresh under way, then running once more). */
  refresh(server: string): Promise<void>;
  /** A refresh soon; several triggers close together make one. Other than `list_changed`, at most
   *  one per UNKNOWN_TOOL_GAP_MS: an agent calling made-up names cannot make the gateway spawn servers. */
  schedule(server: string, trigger?: 'list_changed' | 'unknown_tool' | 'retry'): void;
  /** Whether the last refresh of the server failed (the next listing retries). */
  failed(server: string): boolean;
  /** Cancels timers and closes the connections of refreshes under way. */
  close(): Promise<void>;
}

const DEBOUNCE_MS = 100;
const UNKNOWN_TOOL_GAP_MS = 10_000;
const MAX_PAGES = 1000;
/** A stdio child starting up may take a while to answer initialize. */
const STARTUP_ALLOWANCE_MS = 30_000;
/** Opening the listing connection (a child's start-up included) gets the same allowance. */
const CONNECT_LIMIT_MS = STARTUP_ALLOWANCE_MS;
/** How long a stop waits for listings still running. */
const CLOSE_LIMIT_MS = 2_000;

/** `enabled` false: every refresh is a no-op (the catalog is kept from the sessions' listings only). */
export function createCatalogRefresher(runtimes: ReadonlyMap<string, ServerRuntime>, catalog: CatalogService, logger: Logger, enabled = true): CatalogRefresher {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();
  const failures = new Set<string>();
  const lastUnknown = new Map<string, number>();
  const links = new Set<UpstreamLink>();
  let closed = false;

  async function refreshOnce(runtime: ServerRuntime): Promise<void> {
    try {
      const tools = await listOverLink(runtime, links, () => closed);
      if (closed) return;
      catalog.observe(runtime.name, tools);
      failures.delete(runtime.name);
    } catch (error) {
      failures.add(runtime.name);
      if (!closed) logger.warn({ server: runtime.name, err: error }, 'catalog: could not list the server\'s tools; retrying on the next listing');
    }
  }

  function refresh(server: string): Promise<void> {
    const runtime = runtimes.get(server);
    if (!runtime || closed || !enabled) return Promise.resolve();
    const current = running.get(server);
    if (current) {
      // A change announced while a listing is under way may have missed it: list once more after.
      again.add(server);
      return current;
    }
    const run = (async () => {
      do {
        again.delete(server);
        await refreshOnce(runtime);
      } while (again.has(server) && !closed);
    })().finally(() => running.delete(server));
    running.set(server, run);
    return run;
  }

  return {
    refresh,
    schedule(server, trigger = 'list_changed') {
      if (closed || !enabled || !runtimes.has(server)) return;
      if (trigger !== 'list_changed') {
        const last = lastUnknown.get(server) ?? 0;
        if (Date.now() - last < UNKNOWN_TOOL_GAP_MS) return;
        lastUnknown.set(server, Date.now());
      }
      clearTimeout(timers.get(server));
      const timer = setTimeout(() => {
        timers.delete(server);
        void refresh(server);
      }, DEBOUNCE_MS);
      timer.unref();
      timers.set(server, timer);
    },
    failed: (server) => failures.has(server),
    close: async () => {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      await Promise.allSettled([...links].map((link) => link.close()));
      // A listing stuck where nothing can interrupt it must not hold the gateway's stop forever.
      await Promise.race([Promise.allSettled([...running.values()]), new Promise((resolve) => setTimeout(resolve, CLOSE_LIMIT_MS).unref())]);
    },
  };
}

/** initialize → notifications/initialized → every tools/list page → close. */
async function listOverLink(runtime: ServerRuntime, links: Set<UpstreamLink>, stopped: () => boolean): Promise<unknown[]> {
  const link = await connectWithin(runtime, CONNECT_LIMIT_MS);
  // The gateway began to stop while the connection opened: it would not be closed by close().
  if (stopped()) {
    await link.close().catch(() => undefined);
    throw new Error('the gateway is stopping');
  }
  links.add(link);
  const pending = new Map<number, { resolve(response: JsonRpcResponse): void; reject(error: Error): void }>();
  let nextId = 1;
  link.onMessage((message) => {
    if (isResponse(message)) {
      if (typeof message.id === 'number') pending.get(message.id)?.resolve(message);
    } else if (isRequest(message)) {
      // This connection declared no capabilities: it answers no sampling, roots or elicitation.
      void link.send(wireError('METHOD_NOT_FOUND', message.id, 'Method not found')).catch(() => undefined);
    }
  });
  link.onClose((reason) => {
    for (const entry of pending.values()) entry.reject(new Error(`connection closed: ${reason}`));
  });
  const request = (method: string, params: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> => {
    const id = nextId++;
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer within ${timeoutMs} ms`)), timeoutMs);
      const settle = (): void => {
        clearTimeout(timer);
        pending.delete(id);
      };
      pending.set(id, {
        resolve: (response) => {
          settle();
          if (isErrorResponse(response)) reject(new Error(`${method}: ${response.error.message}`));
          else resolve(response.result);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      link.send({ jsonrpc: '2.0', id, method, params }).catch((error: unknown) => pending.get(id)?.reject(error as Error));
    });
  };
  try {
    const timeoutMs = runtime.config.requestTimeoutMs;
    const init = await request(
      'initialize',
      { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'toolgate-catalog', version: '0.1.0' } },
      Math.max(timeoutMs, STARTUP_ALLOWANCE_MS),
    );
    if (typeof init['protocolVersion'] === 'string') link.setProtocolVersion(init['protocolVersion']);
    await link.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const tools: unknown[] = [];
    const cursors = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await request('tools/list', cursor === undefined ? {} : { cursor }, timeoutMs);
      if (!Array.isArray(result['tools'])) throw new Error('tools/list: the result has no "tools" array');
      tools.push(...(result['tools'] as unknown[]));
      const next = result['nextCursor'];
      if (typeof next !== 'string') return tools;
      if (cursors.has(next)) break;
      cursors.add(next);
      cursor = next;
    }
    throw new Error('tools/list: the pages do not end');
  } finally {
    links.delete(link);
    await link.close().catch(() => undefined);
  }
}

/** Opens a listing connection, or fails after `limitMs` (a server that accepts and never answers,
 *  e.g. an SSE endpoint that sends no `endpoint` event); a connection that opens late is closed. */
function connectWithin(runtime: ServerRuntime, limitMs: number): Promise<UpstreamLink> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new Error(`no connection within ${limitMs} ms`));
    }, limitMs);
    timer.unref();
    // Listed as a 2025 client sees the server: a dual-era one over a legacy session (decision 021).
    runtime.connect('legacy').then(
      (link) => {
        clearTimeout(timer);
        if (settled) return void link.close().catch(() => undefined);
        settled = true;
        resolve(link);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!settled) {
          settled = true;
          reject(error as Error);
        }
      },
    );
  });
}
