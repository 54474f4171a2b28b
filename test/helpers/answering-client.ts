// An SDK client that answers a server's questions (sampling, elicitation, roots) with answers that
// name it, and counts what it was asked: a test can tell which client was asked and that its
// answer came back in the tool's result. Used with test/fixtures/asking-server.ts.
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ClientSetup } from './mcp-clients.js';
import { textOf } from './tool-calls.js';

export interface AnsweringClient {
  setup: ClientSetup;
  /** How many server-to-client requests this client was sent. */
  readonly asked: number;
}

/** The asking server's tools, and the text each one's result carries when client `label` answered. */
export const ASKING_TOOLS: ReadonlyArray<{ tool: string; answer(label: string): string }> = [
  { tool: 'sample_on_stream', answer: (label) => `sampled: hello from ${label}` },
  { tool: 'sample_in_call', answer: (label) => `sampled: hello from ${label}` },
  { tool: 'elicit_on_stream', answer: (label) => `elicited: accept {"name":"${label}"}` },
  { tool: 'elicit_in_call', answer: (label) => `elicited: accept {"name":"${label}"}` },
  { tool: 'roots_on_stream', answer: (label) => `roots: file:///clients/${label}` },
  { tool: 'roots_in_call', answer: (label) => `roots: file:///clients/${label}` },
];

export function answeringClient(label: string): AnsweringClient {
  let asked = 0;
  const setup: ClientSetup = {
    name: label,
    capabilities: { sampling: {}, elicitation: {}, roots: {} },
    setup: (client: Client) => {
      client.setRequestHandler(CreateMessageRequestSchema, async () => {
        asked += 1;
        return { model: `model-${label}`, role: 'assistant', content: { type: 'text', text: `hello from ${label}` } };
      });
      client.setRequestHandler(ElicitRequestSchema, async () => {
        asked += 1;
        return { action: 'accept', content: { name: label } };
      });
      client.setRequestHandler(ListRootsRequestSchema, async () => {
        asked += 1;
        return { roots: [{ uri: `file:///clients/${label}`, name: label }] };
      });
    },
  };
  return {
    setup,
    get asked() {
      return asked;
    },
  };
}

/** Calls `tool` and checks its result carries what the server was answered; fails fast (a lost
 *  question would otherwise wait out the SDK's 60 s timeout). */
export async function expectAnswered(client: Client, tool: string, expected: string, what: string): Promise<void> {
  const result = await client.callTool({ name: tool, arguments: {} }, undefined, { timeout: 10_000 }).catch((error: unknown) => {
    throw new Error(`${what}: ${tool}: ${(error as Error).message}`);
  });
  assert.equal(textOf(result), expected, `${what}: ${tool}`);
}
