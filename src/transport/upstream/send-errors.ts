// Reads a failed upstream send: did it prove the server never saw the request? Only then may a
// call's counters be given back; any doubt counts as "it may have run".
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LinkClosedError } from './upstream-link.js';
import { causeCode, NOT_CONNECTED } from './watched-fetch.js';

/** HTTP statuses a server answers before it dispatches a JSON-RPC message. */
const REFUSED_BEFORE_HANDLING = new Set([400, 401, 403, 404, 405, 406, 413, 415, 429]);

export function provesNotSent(error: unknown): boolean {
  if (error instanceof LinkClosedError) return true;
  if (error instanceof StreamableHTTPError) return error.code !== undefined && REFUSED_BEFORE_HANDLING.has(error.code);
  return NOT_CONNECTED.has(causeCode(error));
}
