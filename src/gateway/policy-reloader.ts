// Watches each server's policy file and swaps in a changed one once it validates; an invalid file
// is refused and the old policy stays. Counters live in the store, so a reload never resets them.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../lib/logger.js';
import type { Policy } from '../policy/types.js';
import { describeIssues, loadServerPolicy } from './load-server-policy.js';
import type { ServerRuntime } from './server-runtime.js';

export type ReloadEvent =
  | { kind: 'reloaded'; server: string; hiddenChanged: boolean }
  | { kind: 'refused'; server: string; reason: string };

export interface PolicyReloader {
  /** Re-reads one server's policy now (also what a file change triggers). */
  reload(server: string): Promise<ReloadEvent | undefined>;
  close(): void;
}

const DEBOUNCE_MS = 100;

export function watchPolicies(
  runtimes: ReadonlyMap<string, ServerRuntime>,
  logger: Logger,
  onReload: (event: ReloadEvent) => void,
): PolicyReloader {
  const watchers: FSWatcher[] = [];
  const timers = new Map<string, NodeJS.Timeout>();

  async function reload(server: string): Promise<ReloadEvent | undefined> {
    const runtime = runtimes.get(server);
    if (!runtime || runtime.config.policy.kind !== 'file') return undefined;
    const loaded = await loadServerPolicy(runtime.config.policy);
    let event: ReloadEvent;
    if (loaded.kind === 'invalid') {
      event = { kind: 'refused', server, reason: describeIssues(loaded.errors) };
      logger.error({ server, file: loaded.source, errors: loaded.errors }, 'changed policy is invalid; keeping the previous policy');
    } else {
      const before = visibilityKey(runtime.policy.policy);
      runtime.policy.replace(loaded.policy);
      event = { kind: 'reloaded', server, hiddenChanged: before !== visibilityKey(loaded.policy) };
      logger.info({ server, warnings: loaded.warnings }, 'policy reloaded');
    }
    onReload(event);
    return event;
  }

  for (const runtime of runtimes.values()) {
    const source = runtime.config.policy;
    if (source.kind !== 'file') continue;
    const file = basename(source.path);
    // Watch the directory, not the file: editors replace files by renaming, which ends a file watch.
    const watcher = watch(dirname(source.path), (_event, changed) => {
      if (changed !== null && changed !== file) return;
      clearTimeout(timers.get(runtime.name));
      timers.set(runtime.name, setTimeout(() => void reload(runtime.name), DEBOUNCE_MS));
    });
    watcher.on('error', (error) => logger.warn({ err: error, server: runtime.name }, 'policy watch failed'));
    watchers.push(watcher);
  }

  return {
    reload,
    close: () => {
      for (const watcher of watchers) watcher.close();
      for (const timer of timers.values()) clearTimeout(timer);
    },
  };
}

/** What decides which tools `tools/list` shows: the hide list, under `hide: ["*"]` the tools
 *  listed under `tools` (listing one shows it), and whether drift holds tools (`on_change`,
 *  `on_new`). Equal keys: no client needs to re-list. */
function visibilityKey(policy: Policy): string {
  const listed = policy.hide.includes('*') ? Object.keys(policy.tools).filter((tool) => tool !== '*').sort() : [];
  return JSON.stringify([[...policy.hide].sort(), listed, policy.onChange ?? 'allow', policy.onNew ?? 'allow']);
}
