// Plumbing shared by the state-reading commands (grants, audit): output through commander's
// configured writers, errors as one message and exit code 1, the config's database, safe tables.
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { openDatabase, type SqliteDatabase } from '../lib/sqlite.js';

export const DEFAULT_CONFIG_FILE = 'toolgate.yaml';

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

/** Writes through the command's output configuration, so an embedding program (or a test) can capture it. */
export function commandIo(command: Command): CommandIo {
  const output = command.configureOutput();
  return {
    out: (text) => (output.writeOut ? output.writeOut(text) : process.stdout.write(text)),
    err: (text) => (output.writeErr ? output.writeErr(text) : process.stderr.write(text)),
  };
}

/**
 * Runs a command body: any failure becomes one "error: …" line set (a bad config lists every
 * issue) on stderr and exit code 1. Users get the message, never a stack trace.
 */
export async function runCommand(command: Command, body: (io: CommandIo) => Promise<void> | void): Promise<void> {
  const io = commandIo(command);
  try {
    await body(io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.err(`error: ${message}\n`);
    process.exitCode = 1;
  }
}

/** Loads the config and opens its database for the duration of `use`, closing it afterwards. */
export async function withConfigDatabase<T>(
  configFile: string,
  use: (config: GatewayConfig, db: SqliteDatabase) => Promise<T> | T,
): Promise<T> {
  const config = await loadConfig(configFile);
  const db = openDatabase(config.dataDir);
  try {
    return await use(config, db);
  } finally {
    db.close();
  }
}

/** Column-aligned text, two spaces between columns, no trailing spaces. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd() + '\n').join('');
}

/**
 * Tool names, reasons and grant names can come from agents; control characters (terminal escape
 * sequences, newlines) and bidirectional overrides are shown escaped so they cannot rewrite or
 * disguise the operator's terminal or table.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
