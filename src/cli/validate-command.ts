// `toolgate validate FILE`: checks a policy file and prints every error at once, each with its
// path, or `ok` and any warnings. Exit code 1 when the policy would be refused.
import type { Command } from 'commander';
import { readPolicyFile } from '../policy/read-policy-file.js';
import { validatePolicy, type PolicyIssue } from '../policy/validate-policy.js';
import { commandIo, printable, type CommandIo } from './command-support.js';

interface ValidateOptions {
  json?: boolean;
}

interface ValidateReport {
  valid: boolean;
  errors: PolicyIssue[];
  warnings: PolicyIssue[];
}

/** The path reported when the file itself cannot be read or parsed. */
export const FILE_ISSUE_PATH = '(file)';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a policy file (JSON or YAML); exits 1 and lists every error when it is invalid')
    .argument('<file>', 'policy file (.json, .yaml or .yml)')
    .option('--json', 'print {valid, errors, warnings} as JSON')
    .action(async (file: string, options: ValidateOptions, command: Command) => {
      const io = commandIo(command);
      const report = await checkPolicyFile(file);
      if (options.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
      else printReport(file, report, io);
      if (!report.valid) process.exitCode = 1;
    });
}

export async function checkPolicyFile(file: string): Promise<ValidateReport> {
  let raw: unknown;
  try {
    raw = await readPolicyFile(file);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { valid: false, errors: [{ path: FILE_ISSUE_PATH, message }], warnings: [] };
  }
  const { errors, warnings } = validatePolicy(raw);
  return { valid: errors.length === 0, errors, warnings };
}

function printReport(file: string, report: ValidateReport, io: CommandIo): void {
  if (report.valid) io.out(`ok: ${printable(file)}\n`);
  for (const warning of report.warnings) io.out(`warning: ${printable(warning.path)}: ${printable(warning.message)}\n`);
  for (const error of report.errors) {
    // A file that cannot be read or parsed has one message that already names the file.
    if (error.path === FILE_ISSUE_PATH) io.err(`error: ${printable(error.message)}\n`);
    else io.err(`error: ${printable(error.path)}: ${printable(error.message)}\n`);
  }
}
