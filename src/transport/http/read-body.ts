// Reads a request body up to a byte limit, as strict UTF-8.
import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { kind: 'ok'; text: string }
  | { kind: 'too_large' }
  | { kind: 'bad_encoding' }
  | { kind: 'aborted' };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve({ kind: 'too_large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        finish({ kind: 'too_large' });
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      try {
        const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
        finish({ kind: 'ok', text: decoder.decode(buffer) });
      } catch {
        finish({ kind: 'bad_encoding' });
      }
    });
    req.on('error', () => finish({ kind: 'aborted' }));
    req.on('close', () => finish({ kind: 'aborted' }));
  });
}
