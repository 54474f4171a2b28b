// Handlers for run artifacts: list a directory, read a text file, or "download" one to local disk
// (a temp directory, as the real server writes to the local file system).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { optionalString, requireString } from './args.js';
import type { Args } from './args.js';
import { NotFoundError } from './registry.js';
import type { Registry, Run } from './registry.js';
import { ok, text } from './result.js';
import type { ToolHandler } from './result.js';

function normalise(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

function artifactFile(registry: Registry, args: Args): { run: Run; path: string; content: string } {
  const run = registry.run(requireString(args, 'run_id'));
  const path = normalise(requireString(args, 'artifact_path'));
  const content = run.artifacts[path];
  if (content === undefined) {
    const isDir = Object.keys(run.artifacts).some((key) => key.startsWith(`${path}/`));
    const hint = isDir ? 'it is a directory; list it with get_run_artifacts' : 'list them with get_run_artifacts';
    throw new NotFoundError(`Run '${run.info.run_id}' has no artifact file '${path}' (${hint})`);
  }
  return { run, path, content };
}

let downloadRoot: string | undefined;

function downloadDir(): string {
  if (downloadRoot === undefined) {
    const root = mkdtempSync(join(tmpdir(), 'mlflow-demo-artifacts-'));
    // Downloads are scratch copies of in-memory data: they go when the server goes.
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    downloadRoot = root;
  }
  return downloadRoot;
}

export const ARTIFACT_HANDLERS: Record<string, ToolHandler> = {
  get_run_artifacts: (registry, args) => {
    const run = registry.run(requireString(args, 'run_id'));
    const dir = normalise(optionalString(args, 'path') ?? '');
    const prefix = dir === '' ? '' : `${dir}/`;
    const entries = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
    for (const [key, content] of Object.entries(run.artifacts)) {
      if (!key.startsWith(prefix)) continue;
      const [head, ...rest] = key.slice(prefix.length).split('/');
      const path = `${prefix}${head}`;
      entries.set(path, rest.length > 0 ? { path, is_dir: true } : { path, is_dir: false, file_size: Buffer.byteLength(content) });
    }
    if (dir !== '' && entries.size === 0) {
      throw new NotFoundError(`Run '${run.info.run_id}' has no artifact directory '${dir}'`);
    }
    const files = [...entries.values()].sort((a, b) => a.path.localeCompare(b.path));
    return ok({ run_id: run.info.run_id, root_uri: run.info.artifact_uri, path: dir, files });
  },

  get_artifact_content: (registry, args) => text(artifactFile(registry, args).content),

  get_run_artifact: (registry, args) => {
    const { run, path, content } = artifactFile(registry, args);
    const base = join(downloadDir(), run.info.run_id);
    const target = resolve(base, ...path.split('/'));
    // Paths come from the registry, but a written path must still never leave the download root.
    if (!target.startsWith(`${base}${sep}`)) throw new NotFoundError(`Artifact path '${path}' is not allowed`);
    mkdirSync(resolve(target, '..'), { recursive: true });
    writeFileSync(target, content);
    return ok({ run_id: run.info.run_id, artifact_path: path, local_path: target, size: Buffer.byteLength(content) });
  },
};
