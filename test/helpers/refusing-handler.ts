// An MCP HTTP handler that admits nothing (401 to every request): for tests of what the
// client-facing transport does on its own, before any handler would run.
import type { McpHttpHandler } from '../../src/transport/http/mcp-http-handler.js';

export const refusingHandler: McpHttpHandler<never> = {
  admit: () => ({ kind: 'rejected', status: 401, message: 'no' }),
  handleRequest: () => undefined,
  handleMessage: () => undefined,
  openStream: () => undefined,
  endSession: async () => undefined,
};
