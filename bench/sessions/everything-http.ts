// Starts `server-everything streamableHttp` (the Streamable HTTP upstream) as a tracked bench child on
// a free port: it reads PORT and prints "listening on port <port>", as test/helpers/spawn-http-server.ts
// describes; spawned with bench/processes.ts so it is ended however the run stops.
import { EVERYTHING_SERVER } from '../../test/helpers/paths.js';
import { freePort } from '../../test/helpers/spawn-http-server.js';
import { spawnChild, type BenchChild } from '../processes.js';

export interface EverythingHttp {
  readonly url: string;
  readonly child: BenchChild;
}

export async function startEverythingHttp(): Promise<EverythingHttp> {
  let lastError: unknown;
  // A port chosen up front can be taken before the child binds it: retry on that race.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawnChild('server-everything (http)', process.execPath, [EVERYTHING_SERVER, 'streamableHttp'], { ...process.env, PORT: String(port) });
    try {
      await child.waitFor(/listening on port (\d+)/, 20_000);
      return { url: `http://127.0.0.1:${port}/mcp`, child };
    } catch (error) {
      await child.stop();
      lastError = error;
      if (!/EADDRINUSE|already in use/.test((error as Error).message)) throw error;
    }
  }
  throw lastError;
}
