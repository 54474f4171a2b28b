// The figures a fuzz run keeps per transport, and the few failing inputs it shows for each kind.

export interface Tally {
  transport: string;
  messages: number;
  crashes: number;
  hangs: number;
  /** Inputs the issue says must be refused that were accepted. */
  escapes: number;
  /** More than one answer to one line (stdio) or an answer to nothing sent. */
  extraAnswers: number;
  statuses: Record<string, number>;
  samples: string[];
}

export function createTally(transport: string): Tally {
  return { transport, messages: 0, crashes: 0, hangs: 0, escapes: 0, extraAnswers: 0, statuses: {}, samples: [] };
}

export function note(tally: Tally, kind: 'crashes' | 'hangs' | 'escapes' | 'extraAnswers', what: string, bytes?: Buffer): void {
  tally[kind] += 1;
  if (tally.samples.length < 12) tally.samples.push(`${kind}: ${what}${bytes ? ` <- ${preview(bytes)}` : ''}`);
}

export function count(tally: Tally, status: string): void {
  tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
}

export function preview(bytes: Buffer): string {
  const text = JSON.stringify(bytes.subarray(0, 300).toString('latin1'));
  return bytes.length > 300 ? `${text}… (${bytes.length} bytes)` : text;
}
