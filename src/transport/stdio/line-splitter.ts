// Cuts a byte stream into newline-terminated lines, each checked against a byte bound as it
// arrives: an over-long line is refused once and skipped up to its newline, whatever the chunking.

export interface LineSplitter {
  push(chunk: Buffer): void;
  /** The input ended: a last line without a newline is still a line. */
  end(): void;
}

export function createLineSplitter(maxBytes: number, onLine: (line: Buffer) => void, onTooLong: () => void): LineSplitter {
  let parts: Buffer[] = [];
  let size = 0;
  let discarding = false;
  const take = (piece: Buffer): void => {
    if (discarding || piece.length === 0) return;
    if (size + piece.length > maxBytes) {
      discarding = true;
      parts = [];
      size = 0;
      onTooLong();
      return;
    }
    parts.push(piece);
    size += piece.length;
  };
  const finishLine = (): void => {
    const line = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    const skip = discarding;
    parts = [];
    size = 0;
    discarding = false;
    if (!skip) onLine(line);
  };
  return {
    push(chunk) {
      let start = 0;
      for (let newline = chunk.indexOf(0x0a, start); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
        take(chunk.subarray(start, newline));
        finishLine();
        start = newline + 1;
      }
      take(chunk.subarray(start));
    },
    end() {
      if (size > 0 || discarding) finishLine();
    },
  };
}
