// Thrown by a target that cannot run on this machine for a reason outside the benchmark (e.g. no
// Redis): its row says "skipped: <why>" instead of being measured, and the run goes on.
export class TargetSkipped extends Error {
  override readonly name = 'TargetSkipped';
}
