// The client-facing stdio transport (for `toolgate wrap`): one JSON-RPC message per line on stdin,
// answers and server messages as lines on stdout. Lines longer than the bound, or not UTF-8, are refused.
import type { Readable, Writable } from 'node:stream';
import { isRequest, type JsonRpcMessage, type JsonRpcRequest } from '../../protocol/jsonrpc.js';
import { parseMessages } from '../../protocol/parse-message.js';
import { wireError } from '../../protocol/wire-errors.js';
import type { ClientStream, ReplySink } from '../client-channel.js';
import { createLineSplitter } from './line-splitter.js';

export interface StdioHandler {
  handleRequest(request: JsonRpcRequest, reply: ReplySink): void;
  handleMessage(message: JsonRpcMessage): void;
}

export interface StdioServerOptions {
  input: Readable;
  output: Writable;
  maxLineBytes?: number;
}

export interface StdioServer {
  /** Server messages that belong to no request. */
  readonly stream: ClientStream;
  /** Resolves when the client closes stdin. */
  readonly ended: Promise<void>;
}

const DEFAULT_MAX_LINE = 4 * 1024 * 1024;
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function serveStdio(handler: StdioHandler, options: StdioServerOptions): StdioServer {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  let open = true;
  const closeListeners: Array<() => void> = [];
  const write = (message: JsonRpcMessage): void => {
    if (open) options.output.write(`${JSON.stringify(message)}\n`);
  };
  const stream: ClientStream = {
    send: write,
    get closed() {
      return !open;
    },
    onClose: (listener) => closeListeners.push(listener),
    close: () => {
      open = false;
    },
  };

  const onLine = (bytes: Buffer): void => {
    let line: string;
    try {
      line = decoder.decode(bytes);
    } catch {
      return write(wireError('PARSE_ERROR', null, 'Parse error: line is not valid UTF-8'));
    }
    if (line.trim() === '') return;
    const parsed = parseMessages(line);
    if (parsed.kind === 'invalid') return write(wireError(parsed.code, null, parsed.message));
    if (parsed.kind === 'batch') return parsed.messages.forEach((message) => handler.handleMessage(message));
    const message = parsed.message;
    if (isRequest(message)) handler.handleRequest(message, stdioReply(write, () => !open));
    else handler.handleMessage(message);
  };

  const ended = new Promise<void>((resolve) => {
    const lines = createLineSplitter(maxLine, onLine, () => write(wireError('INVALID_REQUEST', null, `Invalid Request: line exceeds ${maxLine} bytes`)));
    options.input.on('data', (chunk: Buffer | string) => lines.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk));
    options.input.on('end', () => {
      lines.end();
      open = false;
      for (const listener of closeListeners) listener();
      resolve();
    });
  });
  return { stream, ended };
}

function stdioReply(write: (message: JsonRpcMessage) => void, isClosed: () => boolean): ReplySink {
  let done = false;
  return {
    send: (message) => {
      if (!done) write(message);
    },
    setHeader: () => undefined,
    end: (message) => {
      if (done) return;
      done = true;
      write(message);
    },
    get closed() {
      return done || isClosed();
    },
    onAbort: () => undefined,
  };
}
