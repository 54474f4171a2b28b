// Waits for a piece of work, but at most so long: for steps that must not stall what comes after
// them (a session's end, a gate in front of a session's messages).

/** Resolves when `work` settles (its failure ignored) or after `ms`, whichever comes first. */
export async function withinTime(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([work.catch(() => undefined), timeout]);
  clearTimeout(timer);
}
