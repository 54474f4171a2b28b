#!/usr/bin/env node
// The `toolgate` command line: one subcommand per file, registered here.
import { Command } from 'commander';
import { registerApprovalsCommand } from './approvals-command.js';
import { registerAuditCommand } from './audit-command.js';
import { registerCatalogCommand } from './catalog-command.js';
import { registerClassifyCommand } from './classify-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerGrantsCommand } from './grants-command.js';
import { registerScanCommand } from './scan-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerValidateCommand } from './validate-command.js';
import { registerWrapCommand } from './wrap-command.js';

const program = new Command('toolgate')
  .description('An MCP policy gateway: every tool call an agent makes is decided before it runs.')
  .version('0.1.0')
  .showHelpAfterError();

registerServeCommand(program);
registerWrapCommand(program);
registerValidateCommand(program);
registerGrantsCommand(program);
registerAuditCommand(program);
registerScanCommand(program);
registerClassifyCommand(program);
registerCatalogCommand(program);
registerApprovalsCommand(program);
registerDemoCommand(program);

await program.parseAsync(process.argv);
