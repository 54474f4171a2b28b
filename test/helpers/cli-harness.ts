// Runs toolgate commands in-process, the way the `toolgate` program wires them, capturing stdout,
// stderr and the exit code. Process-level tests against dist/src/cli/main.js complement it.
import { Command, CommanderError } from 'commander';
import { registerApprovalsCommand } from '../../src/cli/approvals-command.js';
import { registerAuditCommand } from '../../src/cli/audit-command.js';
import { registerCatalogCommand } from '../../src/cli/catalog-command.js';
import { registerGrantsCommand } from '../../src/cli/grants-command.js';

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function runCli(args: readonly string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const program = new Command('toolgate')
    .exitOverride()
    .configureOutput({ writeOut: (text) => (stdout += text), writeErr: (text) => (stderr += text) });
  // Settings are inherited when subcommands are created, so configure first, register after.
  registerGrantsCommand(program);
  registerAuditCommand(program);
  registerApprovalsCommand(program);
  registerCatalogCommand(program);

  // Commands report failure through process.exitCode; keep it from failing the test process itself.
  const saved = process.exitCode;
  process.exitCode = undefined;
  let exitCode = 0;
  try {
    await program.parseAsync(['node', 'toolgate', ...args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    exitCode = error.exitCode;
  } finally {
    const set = process.exitCode;
    process.exitCode = saved;
    if (typeof set === 'number' && set !== 0) exitCode = set;
  }
  return { stdout, stderr, exitCode };
}
