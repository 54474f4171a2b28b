// The stdio client transport for upstream servers (the SDK's Transport interface): spawns the server,
// reads its stdout as lines through the same bounded splitter as the client side, and treats a line
// over the bound as a broken connection. Why not the SDK's own: docs/decisions/014-bounded-upstream-messages.md.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { deserializeMessage, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createLineSplitter } from '../stdio/line-splitter.js';
import { UpstreamMessageTooLargeError } from './message-bound.js';

export interface StdioUpstreamOptions {
  command: string;
  args: readonly string[];
  /** The child's whole environment: nothing of the gateway's is inherited beyond it. */
  env: Readonly<Record<string, string>>;
  cwd?: string;
  /** The longest stdout line (one JSON-RPC message) accepted, in bytes. */
  maxMessageBytes: number;
  /** Each line the server writes to stderr; a line longer than STDERR_LINE_BYTES is reported cut. */
  onStderrLine?: (line: string) => void;
}

const STDERR_LINE_BYTES = 64 * 1024;
/** How long a closing child gets after stdin ends, and again after SIGTERM (as the SDK's transport). */
const EXIT_GRACE_MS = 2_000;

export class StdioUpstreamTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  private child: ChildProcessWithoutNullStreams | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** No more messages either way. */
  private closed = false;
  private closeReported = false;

  constructor(private readonly options: StdioUpstreamOptions) {}

  /** The child's process id, once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    if (this.child) return Promise.reject(new Error('the stdio transport was already started'));
    const { command, args, env, cwd, maxMessageBytes } = this.options;
    const child = spawn(command, [...args], { env: { ...env }, ...(cwd ? { cwd } : {}), stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    child.once('close', () => this.reportClose());
    const lines = createLineSplitter(
      maxMessageBytes,
      (line) => this.receive(line),
      () => this.breakOff(new UpstreamMessageTooLargeError(maxMessageBytes, "a line on the server's stdout")),
    );
    child.stdout.on('data', (chunk: Buffer) => lines.push(chunk));
    child.stdout.on('end', () => lines.end());
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream.on('error', (error) => this.onerror?.(error));
    this.readStderr(child);
    return new Promise((resolve, reject) => {
      child.once('spawn', () => resolve());
      // Not `once`: a later 'error' (a failed kill) without a listener would crash the gateway.
      child.on('error', (error) => {
        reject(error);
        this.onerror?.(error);
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (this.closed || !stdin) return Promise.reject(new Error('Not connected'));
    return new Promise((resolve, reject) => {
      stdin.write(serializeMessage(message), (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Ends stdin and gives the child time to exit, then SIGTERM, then SIGKILL. */
  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      if (!(await this.exitsWithin(EXIT_GRACE_MS))) {
        child.kill('SIGTERM');
        if (!(await this.exitsWithin(EXIT_GRACE_MS))) child.kill('SIGKILL');
      }
    }
    this.reportClose();
  }

  private receive(line: Buffer): void {
    if (this.closed) return;
    const text = line.toString('utf8').replace(/\r$/, '');
    if (text.trim() === '') return;
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(text);
    } catch (error) {
      this.onerror?.(new Error(`the server wrote a line that is not a JSON-RPC message: ${(error as Error).message}`));
      return;
    }
    this.onmessage?.(message);
  }

  /** The connection cannot be trusted any more: it ends now (so calls in flight fail at once), and
   *  the child is stopped in the background without the grace a well-behaved close gets. */
  private breakOff(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.onerror?.(error);
    this.reportClose();
    const child = this.child;
    if (!child) return;
    child.stdout.destroy();
    child.kill('SIGTERM');
    void this.exitsWithin(EXIT_GRACE_MS).then((exited) => exited || child.kill('SIGKILL'));
  }

  private reportClose(): void {
    this.closed = true;
    if (this.closeReported) return;
    this.closeReported = true;
    this.onclose?.();
  }

  private readStderr(child: ChildProcessWithoutNullStreams): void {
    const report = this.options.onStderrLine ?? (() => undefined);
    const lines = createLineSplitter(STDERR_LINE_BYTES, (line) => report(line.toString('utf8').replace(/\r$/, '')), () => report(`(a stderr line longer than ${STDERR_LINE_BYTES} bytes was skipped)`));
    // Always read, even when nobody listens: a child blocked on a full stderr pipe stops answering.
    child.stderr.on('data', (chunk: Buffer) => lines.push(chunk));
    child.stderr.on('end', () => lines.end());
  }

  private async exitsWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
      timer.unref();
    });
    const exited = await Promise.race([this.exited.then(() => true), timeout]);
    clearTimeout(timer);
    return exited;
  }
}
