// Absolute paths the integration tests share: the repo root, the compiled servers and CLI, and the
// bin entries of the reference MCP servers installed as dev dependencies.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Walks up from this compiled file (dist/test/helpers/) to the directory holding toolgate's package.json.
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'toolgate') {
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no toolgate package.json above ${start}`);
  }
}

export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

// The executable a package publishes under `bin` (a string, or one entry of a map).
export function packageBin(packageName: string, binName?: string): string {
  const root = join(REPO_ROOT, 'node_modules', ...packageName.split('/'));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bin = manifest.bin;
  const entry = typeof bin === 'string' ? bin : bin && (binName ? bin[binName] : Object.values(bin)[0]);
  if (!entry) throw new Error(`${packageName} declares no bin${binName ? ` named ${binName}` : ''}`);
  return join(root, entry);
}

export const DIST = join(REPO_ROOT, 'dist');
export const MLFLOW_SERVER = join(DIST, 'examples', 'mlflow-server.js');
export const COUNTING_SERVER = join(DIST, 'test', 'fixtures', 'counting-server.js');
export const CONFORMANCE_SERVER = join(DIST, 'test', 'fixtures', 'conformance-server.js');
// SDK 1.x server whose tools ask the client (sampling, elicitation, roots) both ways; `--http 0`, `--sse 0`.
export const ASKING_SERVER = join(DIST, 'test', 'fixtures', 'asking-server.js');
// SDK 2.x server serving both eras: stdio by default, `--http 0`, `--modern-only`.
export const MODERN_SERVER = join(DIST, 'test', 'fixtures', 'modern-server.js');
// SDK 1.x legacy-only server whose missing resource is -32002.
export const LEGACY_RESOURCES_SERVER = join(DIST, 'test', 'fixtures', 'modern-legacy-resources.js');
// The nested package holding the official conformance suite and the Node 22 it runs on.
export const CONFORMANCE_RUNNER = join(REPO_ROOT, 'test', 'conformance', 'runner');
export const TOOLGATE_CLI = join(DIST, 'src', 'cli', 'main.js');
export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');
export const EXAMPLE_CONFIG = join(EXAMPLES_DIR, 'toolgate.yaml');
export const EXAMPLE_MLFLOW_POLICY = join(EXAMPLES_DIR, 'policies', 'mlflow.json');
// `node <path> streamableHttp` (PORT env) or `node <path>` for stdio; see spawn-http-server.ts.
export const EVERYTHING_SERVER = packageBin('@modelcontextprotocol/server-everything', 'mcp-server-everything');
// `node <path> <allowed-dir>...` over stdio.
export const FILESYSTEM_SERVER = packageBin('@modelcontextprotocol/server-filesystem', 'mcp-server-filesystem');
