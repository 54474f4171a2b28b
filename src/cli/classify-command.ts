// `toolgate classify FILE [--json]`: classifies the tools of a saved `tools/list` result, offline.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { classifyTools } from '../catalog/classify-tool.js';
import { readToolList } from '../catalog/read-tool-list.js';
import { categoryCounts, classificationSummary, classificationTable, flagLines } from './classification-output.js';
import { runCommand } from './command-support.js';

interface ClassifyOptions {
  json?: boolean;
}

export function registerClassifyCommand(program: Command): void {
  program
    .command('classify')
    .description('classify the tools of a tools/list result ({"tools": [...]} or a bare array) read from FILE ("-" for stdin)')
    .argument('<file>', 'JSON file with the tools')
    .option('--json', 'print [{name, category, risk, confidence, reasons, flags}]')
    .action((file: string, options: ClassifyOptions, command: Command) =>
      runCommand(command, async (io) => {
        const text = file === '-' ? await readStdin() : await readFile(file, 'utf8').catch((error: Error) => {
          throw new Error(`cannot read ${file}: ${error.message}`);
        });
        let raw: unknown;
        try {
          raw = JSON.parse(text);
        } catch (error) {
          throw new Error(`${file} is not JSON: ${(error as Error).message}`);
        }
        const reading = readToolList(raw);
        if (reading.kind === 'invalid') throw new Error(`${file}: ${reading.errors.join('; ')}`);
        const results = classifyTools(reading.tools);
        if (options.json) {
          io.out(`${JSON.stringify(results.map(classificationSummary), null, 2)}\n`);
          return;
        }
        io.out(classificationTable(results));
        io.out(flagLines(results));
        io.out(`${results.length} tools: ${categoryCounts(results)}\n`);
      }),
    );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
