// Node repeats some warnings per occurrence (e.g. MaxListenersExceededWarning from fetch's abort
// listeners in the SDK client, freed only by GC): each kind is shown once so the output stays readable.
export function showWarningsOnce(): void {
  const seen = new Set<string>();
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (seen.has(warning.name)) return;
    seen.add(warning.name);
    console.error(`(shown once) ${warning.name}: ${warning.message}`);
  });
}
