// tsc does not keep the executable bit: set it on the CLI entry so `npx toolgate` runs it.
import { chmodSync } from 'node:fs';
chmodSync('dist/src/cli/main.js', 0o755);
