// What the gateway integration tests share: the counting server's call log (what really reached
// the server, across every per-session child process), readers for results, and deadline polling.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { COUNTING_SERVER } from './paths.js';

export interface CallLog {
  readonly path: string;
  /** Calls that reached the server: of one tool, or all counted ones. */
  count(tool?: string): number;
}

export function createCallLog(dir: string, name = 'calls.log'): CallLog {
  const path = join(dir, name);
  writeFileSync(path, '');
  return {
    path,
    count: (tool) => {
      const lines = readFileSync(path, 'utf8').split('\n').filter((line) => line !== '');
      return tool === undefined ? lines.length : lines.filter((line) => line === tool).length;
    },
  };
}

/** A `servers:` entry running the counting server over stdio, logging to `log`. */
export function countingServer(policy: unknown, log: CallLog, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { command: process.execPath, args: [COUNTING_SERVER], env: { COUNTING_SERVER_LOG: log.path }, policy, ...extra };
}

/**
 * Writes `dir/policy.json` and `dir/toolgate.yaml` for a real `toolgate` process: one server `count`
 * (the counting server, logging to `log`), data in `dir/data`, and `settings` (YAML lines) on top.
 * Returns the config's path.
 */
export function writeCountingConfig(dir: string, log: CallLog, policy: unknown, settings: readonly string[] = []): string {
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
  const config = join(dir, 'toolgate.yaml');
  const lines = [
    ...settings,
    'dataDir: data',
    'servers:',
    '  count:',
    `    command: ${JSON.stringify(process.execPath)}`,
    `    args: [${JSON.stringify(COUNTING_SERVER)}]`,
    `    env: { COUNTING_SERVER_LOG: ${JSON.stringify(log.path)} }`,
    '    policy: policy.json',
    '',
  ];
  writeFileSync(config, lines.join('\n'));
  return config;
}

export type ToolResult = Awaited<ReturnType<Client['callTool']>>;

export interface ToolgateMeta {
  decision: string;
  rule: string;
  retryAfterMs?: number;
  approvalId?: string;
}

export function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  return client.callTool({ name, arguments: args });
}

/** The text of a tool result (an SDK 1.x or 2.x result, or a raw JSON-RPC `result`). */
export function textOf(result: unknown): string {
  const content = ((result as { content?: unknown }).content ?? []) as Array<{ type: string; text?: string }>;
  return content.map((part) => part.text ?? '').join('');
}

/** toolgate's `_meta` on a tool result it answered itself (a denial, a limit, a hold). */
export function metaOf(result: unknown): ToolgateMeta | undefined {
  return ((result as { _meta?: unknown })._meta as { toolgate?: ToolgateMeta } | undefined)?.toolgate;
}

export function decisionOf(result: unknown): string | undefined {
  return metaOf(result)?.decision;
}

/** A call the server answered normally (no gateway metadata, not an error). */
export function assertAllowed(result: ToolResult, text?: string | RegExp): void {
  assert.equal(metaOf(result), undefined, `expected an allowed call, got ${textOf(result)}`);
  assert.notEqual(result.isError, true, textOf(result));
  if (typeof text === 'string') assert.equal(textOf(result), text);
  else if (text) assert.match(textOf(result), text);
}

/** A denial as the agent sees it: `isError`, `[POLICY DENIED] <reason>`, `_meta.toolgate`. */
export function assertDenied(result: ToolResult, rule: string, reason?: string | RegExp, decision = 'deny'): ToolgateMeta {
  const meta = metaOf(result);
  assert.equal(result.isError, true, `expected a ${decision}, got ${textOf(result)}`);
  assert.equal(meta?.decision, decision, textOf(result));
  assert.equal(meta?.rule, rule);
  const text = textOf(result);
  assert.ok(text.startsWith('[POLICY DENIED] '), text);
  if (typeof reason === 'string') assert.equal(text, `[POLICY DENIED] ${reason}`);
  else if (reason) assert.match(text, reason);
  return meta!;
}

export function assertRateLimited(result: ToolResult, rule: string): number {
  const meta = assertDenied(result, rule, /^\[POLICY DENIED\] rate limit /, 'rate_limited');
  assert.equal(typeof meta.retryAfterMs, 'number');
  return meta.retryAfterMs!;
}

/** A hidden or unknown tool: JSON-RPC error -32602, as if the tool did not exist. */
export async function assertUnknownTool(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof McpError, String(error));
    assert.equal(error.code, -32602);
    return true;
  });
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
