// Throws fuzz cases at the client-facing stdio transport (`serveStdio`, as `toolgate wrap` runs it)
// in front of a real ClientSession, line by line, and checks every line gets at most one answer.
import { PassThrough } from 'node:stream';
import type { JsonRpcMessage, JsonRpcRequest } from '../../src/protocol/jsonrpc.js';
import type { ClientSession } from '../../src/gateway/client-session.js';
import { serveStdio } from '../../src/transport/stdio/stdio-server.js';
import { answerProblem } from './answer-checks.js';
import { note, count, type Tally } from './fuzz-tally.js';
import type { FuzzCase } from './mutations.js';

const HANG_MS = 15_000;
const MAX_IN_FLIGHT = 64;

interface Pending {
  key: string;
  sentAt: number;
  mustError: boolean;
  bytes: Buffer;
}

function refusedByPipeline(request: JsonRpcRequest): boolean {
  const name = request.params?.['name'];
  const args = request.params?.['arguments'];
  const argsObject = args === undefined || (args !== null && typeof args === 'object' && !Array.isArray(args));
  return request.method === 'tools/call' && (typeof name !== 'string' || name === '' || !argsObject);
}

export interface StdioRun {
  send(fuzz: FuzzCase): Promise<void>;
  /** Waits for every dispatched request to be answered (or to count as a hang). */
  drain(): Promise<void>;
  close(): void;
}

export function createStdioRun(session: ClientSession, tally: Tally, hidden: ReadonlySet<string>): StdioRun {
  const input = new PassThrough();
  const output = new PassThrough();
  const pending: Pending[] = [];
  let windowNulls = 0;
  let windowDispatched: Pending[] = [];
  let windowMessages = 0;
  let current: FuzzCase | undefined;
  let wake: (() => void) | undefined;

  const tap = {
    handleRequest: (request: JsonRpcRequest, reply: Parameters<ClientSession['handleRequest']>[1]) => {
      const entry = { key: JSON.stringify(request.id), sentAt: Date.now(), mustError: current?.mustRefuse !== undefined, bytes: current?.bytes ?? Buffer.alloc(0) };
      pending.push(entry);
      windowDispatched.push(entry);
      // A tools/call with a bad name or arguments is refused by the call pipeline (checked on its answer).
      if (current?.mustRefuse && !refusedByPipeline(request)) note(tally, 'escapes', `${current.mustRefuse} [${current.tags.join(',')}] was handed to the session`, current.bytes);
      session.handleRequest(request, reply);
    },
    handleMessage: (message: JsonRpcMessage) => {
      windowMessages += 1;
      session.handleMessage(message);
    },
  };
  const stdio = serveStdio(tap, { input, output });
  session.attachStream(stdio.stream);

  let partial = '';
  output.setEncoding('utf8');
  output.on('data', (chunk: string) => {
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) onAnswer(JSON.parse(line) as Record<string, unknown>);
  });

  function onAnswer(message: Record<string, unknown>): void {
    if ('method' in message) return; // a server notification or request, not an answer
    if (message['id'] === null) {
      windowNulls += 1;
      count(tally, `error ${(message['error'] as { code: number }).code}`);
      return;
    }
    const key = JSON.stringify(message['id']);
    const error = message['error'] as { code: number; message?: unknown } | undefined;
    // Clients may reuse an id while a request is in flight: the answer belongs to whichever of
    // those requests it fits; a problem is reported only when it fits none.
    const problemFor = (entry: Pending): string | undefined =>
      entry.mustError && !error ? `a must-refuse request was answered with a result: ${JSON.stringify(message).slice(0, 120)}` : answerProblem(entry.bytes, message, hidden);
    // An error answer most likely belongs to a request that had to be refused, a result to one that did not.
    const candidates = pending.filter((entry) => entry.key === key).sort((a, b) => Number(b.mustError === !!error) - Number(a.mustError === !!error));
    if (candidates.length === 0) return note(tally, 'extraAnswers', `an answer for id ${key}, which is not waiting for one`);
    const entry = candidates.find((candidate) => problemFor(candidate) === undefined) ?? candidates[0]!;
    pending.splice(pending.indexOf(entry), 1);
    count(tally, error ? `error ${error.code}` : 'result');
    // The gateway's own -32603 means a bug in it (a server may answer -32603 for its own reasons).
    if (error?.code === -32603 && /in the gateway/.test(String(error.message))) note(tally, 'crashes', 'an internal error', entry.bytes);
    const problem = problemFor(entry);
    if (problem) note(tally, 'escapes', problem, entry.bytes);
    wake?.();
  }

  function sweepHangs(): void {
    const cutoff = Date.now() - HANG_MS;
    for (let i = pending.length - 1; i >= 0; i -= 1) {
      if (pending[i]!.sentAt < cutoff) note(tally, 'hangs', `request ${pending[i]!.key} unanswered for ${HANG_MS} ms`, pending.splice(i, 1)[0]!.bytes);
    }
  }

  async function waitForRoom(limit: number): Promise<void> {
    while (pending.length > limit) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200).unref();
      });
      sweepHangs();
    }
  }

  return {
    async send(fuzz) {
      await waitForRoom(MAX_IN_FLIGHT);
      current = fuzz;
      windowNulls = 0;
      windowMessages = 0;
      windowDispatched = [];
      const bytes = Buffer.concat([fuzz.bytes, Buffer.from('\n')]);
      let start = 0;
      for (const cut of [...fuzz.splits].sort().map((f) => Math.floor(f * bytes.length))) {
        if (cut > start) input.write(bytes.subarray(start, cut));
        start = Math.max(start, cut);
      }
      input.write(bytes.subarray(start));
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      tally.messages += 1;
      const lines = fuzz.multiline ? fuzz.bytes.toString('latin1').split('\n').length : 1;
      const answers = windowNulls + windowDispatched.length;
      if (answers > lines) note(tally, 'extraAnswers', `${windowNulls} refusals and ${windowDispatched.length} requests for ${lines} line(s)`, fuzz.bytes);
      if (fuzz.mustRefuse && !fuzz.multiline && windowMessages > 0) {
        note(tally, 'escapes', `${fuzz.mustRefuse} [${fuzz.tags.join(',')}] was handed to the session`, fuzz.bytes);
      }
      current = undefined;
    },
    drain: () => waitForRoom(0),
    close: () => input.end(),
  };
}
