// Drives the mutable fixture server (test/fixtures/mutable-server.ts): the tool list its processes
// serve, changed by rewriting one file, and the log of calls that really reached it.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST } from './paths.js';

export const MUTABLE_SERVER = join(DIST, 'test', 'fixtures', 'mutable-server.js');

export interface ToolSpec {
  name: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

export interface MutableTools {
  /** Replaces the tool list; running servers announce it with notifications/tools/list_changed. */
  set(tools: readonly ToolSpec[]): void;
  /** Calls that reached the server (of one tool). */
  calls(tool: string): number;
  /** A `servers:` entry running the fixture over stdio. */
  server(policy: unknown): Record<string, unknown>;
}

export function createMutableTools(dir: string, tools: readonly ToolSpec[]): MutableTools {
  const file = join(dir, 'tools.json');
  const log = join(dir, 'mutable-calls.log');
  writeFileSync(log, '');
  let version = 0;
  const set = (next: readonly ToolSpec[]): void => {
    // Written whole, then renamed: a server never reads half a file.
    const temp = `${file}.${version++}.tmp`;
    writeFileSync(temp, JSON.stringify(next.map((tool) => ({ inputSchema: { type: 'object' }, ...tool }))));
    renameSync(temp, file);
  };
  set(tools);
  return {
    set,
    calls: (tool) => readFileSync(log, 'utf8').split('\n').filter((line) => line === tool).length,
    server: (policy) => ({ command: process.execPath, args: [MUTABLE_SERVER], env: { MUTABLE_TOOLS_FILE: file, MUTABLE_SERVER_LOG: log }, policy }),
  };
}
