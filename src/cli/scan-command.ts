// `toolgate scan`: connects to a server (configured, a stdio command, or a URL), lists every
// tool, classifies them and recommends a policy that `toolgate validate` accepts.
import { writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { classifyTools } from '../catalog/classify-tool.js';
import { readToolList } from '../catalog/read-tool-list.js';
import { recommendPolicy, type RecommendedPolicy } from '../catalog/recommend-policy.js';
import type { ToolClassification } from '../catalog/tool-types.js';
import type { UpstreamSpec } from '../config/gateway-config.js';
import { loadConfig } from '../config/load-config.js';
import { validatePolicy } from '../policy/validate-policy.js';
import { listUpstreamTools } from '../transport/upstream/list-upstream-tools.js';
import { categoryCounts, classificationTable, flagLines } from './classification-output.js';
import { runCommand, type CommandIo } from './command-support.js';
import { collectHeader, httpUpstreamFromFlags, transportFlag } from './http-upstream-flags.js';

interface ScanOptions {
  config?: string;
  server?: string;
  url?: string;
  header: string[];
  transport: string;
  json?: boolean;
  output?: string;
  timeout: string;
}

interface ScanTarget {
  name: string;
  spec: UpstreamSpec;
  inheritEnv: boolean;
  /** The name is the config's; otherwise the server's own name (from initialize) is shown. */
  fromConfig: boolean;
}

export function registerScanCommand(program: Command): void {
  program
    .command('scan')
    .description('connect to a server, list and classify its tools, and recommend a policy')
    .option('-c, --config <file>', 'gateway config whose server to scan (with --server)')
    .option('--server <name>', 'the configured server to scan (optional when the config has one)')
    .option('--url <url>', 'scan an HTTP server (Streamable HTTP, or legacy HTTP+SSE)')
    .option('--header <header>', "HTTP header for --url, 'Name: value' (repeatable)", collectHeader, [])
    .option('--transport <kind>', 'for --url: auto, streamable-http or sse', 'auto')
    .option('--json', 'print {server, tools: [classifications], policy} as JSON')
    .option('-o, --output <file>', 'write the recommended policy (JSON) to this file')
    .option('--timeout <seconds>', 'how long connecting and each tools/list page may take', '30')
    .argument('[command...]', 'a stdio server to run, after --')
    .action((commandLine: string[], options: ScanOptions, command: Command) =>
      runCommand(command, async (io) => {
        const target = await scanTarget(commandLine, options);
        const timeoutMs = Number(options.timeout) * 1000;
        if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new Error('--timeout must be a positive number of seconds');
        const listed = await listUpstreamTools(target.spec, { timeoutMs, inheritEnv: target.inheritEnv });
        const reading = readToolList(listed.tools);
        if (reading.kind === 'invalid') throw new Error(`the server's tools/list is malformed: ${reading.errors.join('; ')}`);
        const results = classifyTools(reading.tools);
        const policy = recommendPolicy(results);
        // The recommendation must be a policy the gateway accepts; anything else is a bug here.
        const { errors } = validatePolicy(policy);
        if (errors.length > 0) throw new Error(`recommended policy does not validate: ${errors.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
        if (options.output) await writeFile(options.output, `${JSON.stringify(policy, null, 2)}\n`, 'utf8');
        const name = target.fromConfig ? target.name : (listed.server?.name ?? target.name);
        if (options.json) io.out(`${JSON.stringify({ server: name, ...(listed.server ? { implementation: listed.server } : {}), tools: results, policy }, null, 2)}\n`);
        else printScan(io, name, results, policy, options.output);
      }),
    );
}

async function scanTarget(commandLine: readonly string[], options: ScanOptions): Promise<ScanTarget> {
  const chosen = [commandLine.length > 0, options.url !== undefined, options.config !== undefined || options.server !== undefined].filter(Boolean).length;
  if (chosen !== 1) throw new Error('scan: give exactly one of -c FILE [--server NAME], --url URL, or -- COMMAND [ARGS…]');
  transportFlag(options.transport);
  if (options.url !== undefined) {
    const spec = httpUpstreamFromFlags({ url: options.url, header: options.header, transport: options.transport });
    return { name: new URL(spec.url).host, spec, inheritEnv: false, fromConfig: false };
  }
  if (options.header.length > 0) throw new Error('--header only applies to --url');
  const [executable, ...args] = commandLine;
  if (executable !== undefined) {
    // The user typed this command: it gets the user's environment, as it would in their shell.
    return { name: basename(executable), spec: { kind: 'stdio', command: executable, args, env: {} }, inheritEnv: true, fromConfig: false };
  }
  const config = await loadConfig(options.config ?? 'toolgate.yaml');
  const names = Object.keys(config.servers);
  const name = options.server ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined) throw new Error(`--server: the config names several servers (${names.join(', ')}); choose one`);
  const server = config.servers[name];
  if (!server) throw new Error(`--server: no server "${name}" in ${resolve(options.config ?? 'toolgate.yaml')} (it has ${names.join(', ')})`);
  return { name, spec: server.upstream, inheritEnv: false, fromConfig: true };
}

function printScan(io: CommandIo, server: string, results: readonly ToolClassification[], policy: RecommendedPolicy, output: string | undefined): void {
  io.out(`server ${server}: ${results.length} tools (${categoryCounts(results)})\n\n`);
  io.out(classificationTable(results));
  const flags = flagLines(results);
  if (flags) io.out(`\n${flags}`);
  const limited = Object.values(policy.tools).filter((entry) => entry.limits).length;
  const approval = Object.values(policy.tools).filter((entry) => entry.action === 'require_approval').length;
  const allowed = Object.keys(policy.tools).length - limited - approval;
  io.out(`\nrecommended policy: default deny; ${allowed} allowed, ${limited} rate-limited, ${approval} need approval, ${policy.hide.length} hidden\n`);
  if (output) io.out(`wrote ${output}\n`);
  else io.out(`${JSON.stringify(policy, null, 2)}\n`);
}
