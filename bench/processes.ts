// Child processes of the benchmark: spawned in their own process group, tracked with every
// descendant they start, and ended on stop, on failure and on exit, so no run leaves an orphan.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

export interface BenchChild {
  readonly pid: number;
  readonly label: string;
  /** The last few KB of stdout and stderr, for error messages. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output, rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

interface ProcInfo {
  state: string;
  ppid: number;
  startTime: string;
}

/** pid → start time, for every process this run started or saw below one it started. */
const tracked = new Map<number, string>();
const leaders = new Set<number>();

/** A process's /proc/<pid>/stat fields after the command name (field 3 on), or undefined if it is gone. */
export function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields after its closing paren are plain.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function procInfo(pid: number): ProcInfo | undefined {
  const fields = statFields(pid);
  return fields && { state: fields[0] ?? '', ppid: Number(fields[1]), startTime: fields[19] ?? '' };
}

/** Adds every living descendant of `root` to the tracked set and returns them (reads /proc; Linux only). */
export function trackDescendants(root: number): number[] {
  const found: number[] = [];
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return found;
  }
  const children = new Map<number, number[]>();
  const starts = new Map<number, string>();
  for (const pid of pids) {
    const info = procInfo(pid);
    if (!info) continue;
    starts.set(pid, info.startTime);
    const list = children.get(info.ppid) ?? [];
    list.push(pid);
    children.set(info.ppid, list);
  }
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    for (const child of children.get(pid) ?? []) {
      tracked.set(child, starts.get(child) ?? '');
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** The output's last `count` characters on one line, for error messages. */
export function lastWords(text: string, count = 200): string {
  return text.replace(/\s+/g, ' ').trim().slice(-count);
}

export function trackPid(pid: number): void {
  const info = procInfo(pid);
  if (info) tracked.set(pid, info.startTime);
}

/** True while `pid` is the very process that was tracked (not a reused pid), and not a zombie. */
function stillOurs(pid: number): boolean {
  const info = procInfo(pid);
  return info !== undefined && info.state !== 'Z' && info.startTime === tracked.get(pid);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** SIGKILLs every tracked process still alive and each group this run leads; returns how many were alive. */
export function killAllTracked(): number {
  for (const leader of leaders) trackDescendants(leader);
  let alive = 0;
  for (const pid of tracked.keys()) {
    if (!stillOurs(pid)) continue;
    alive++;
    signal(pid, 'SIGKILL');
  }
  for (const leader of leaders) signal(-leader, 'SIGKILL');
  return alive;
}

/** How many tracked processes are still running. */
export function livingTracked(): number {
  let alive = 0;
  for (const pid of tracked.keys()) if (stillOurs(pid)) alive++;
  return alive;
}

export function spawnChild(label: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchChild {
  const child: ChildProcess = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid === undefined) throw new Error(`${label}: could not spawn ${command}`);
  const pid = child.pid;
  trackPid(pid);
  leaders.add(pid);
  let tail = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-8192);
    for (const wake of waiters) wake();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => {
    for (const wake of waiters) wake();
  });
  const isRunning = (): boolean => child.exitCode === null && child.signalCode === null;

  return {
    pid,
    label,
    output: () => tail,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(tail);
          if (match) return finish(() => resolve(match));
          if (!isRunning()) return finish(() => reject(new Error(`${label} exited (code ${child.exitCode}, signal ${child.signalCode}): ${lastWords(tail)}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${label} printed nothing matching ${pattern} within ${timeoutMs} ms: ${lastWords(tail)}`))), timeoutMs);
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      }),
    stop: async () => {
      const descendants = trackDescendants(pid);
      if (isRunning()) {
        signal(pid, 'SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
      }
      // Whatever the leader left behind (its group, or children it detached) is ended by pid.
      signal(-pid, 'SIGKILL');
      for (const descendant of descendants) if (stillOurs(descendant)) signal(descendant, 'SIGKILL');
      leaders.delete(pid);
    },
  };
}

/** Resolves once a TCP connection to 127.0.0.1:port succeeds. */
export async function waitForPort(port: number, child: BenchChild, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (!stillOurs(child.pid)) throw new Error(`${child.label} exited before listening: ${lastWords(child.output())}`);
    if (Date.now() > deadline) throw new Error(`${child.label} did not listen on port ${port} within ${timeoutMs} ms: ${lastWords(child.output())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs a one-off benchmark tool's `main`. Its failure is printed and exits 1; whatever ends the
 *  process (the end of `main`, an error, Ctrl-C, a kill, a closed stdout pipe) kills every tracked
 *  process it started. */
export function runTool(label: string, main: () => Promise<void>): void {
  onAbort(label, (code) => process.exit(code));
  process.stdout.on('error', () => process.exit(1)); // e.g. piped into `head`, which closed
  main().catch((error: unknown) => {
    console.error(`${label} failed:`, error);
    killAllTracked();
    process.exitCode = 1;
  });
}

/** Ctrl-C, a kill or an uncaught error call `abort` with the exit code to use; however the process
 *  leaves, every tracked process is killed. */
export function onAbort(label: string, abort: (code: number) => void): void {
  process.once('SIGINT', () => abort(130));
  process.once('SIGTERM', () => abort(143));
  process.on('uncaughtException', (error) => {
    console.error(`${label}: uncaught error:`, error);
    abort(1);
  });
  process.once('exit', () => killAllTracked());
}
