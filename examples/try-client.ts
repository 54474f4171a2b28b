// A five-minute tour as an agent sees toolgate: list the tools, read, write, try a hidden delete,
// and exhaust a write limit. Usage: node dist/examples/try-client.js <endpoint> <token>
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [endpoint, token] = process.argv.slice(2);
if (!endpoint || !token) {
  console.error('usage: node dist/examples/try-client.js <endpoint> <token>');
  process.exit(2);
}

const client = new Client({ name: 'toolgate-try', version: '1.0.0' });
await client.connect(new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));

const { tools } = await client.listTools();
console.log(`tools/list: ${tools.length} tools visible (the five delete_* tools are hidden)`);

const show = async (label: string, name: string, args: Record<string, unknown>): Promise<void> => {
  try {
    const result = await client.callTool({ name, arguments: args });
    const content = result.content as Array<{ type: string; text?: string }>;
    const text = content.find((part) => part.type === 'text')?.text ?? '';
    const meta = (result._meta as { toolgate?: unknown } | undefined)?.toolgate;
    console.log(`${label}: ${result.isError ? 'isError ' : ''}${text.split('\n').slice(0, 3).join(' ').slice(0, 160)}${meta ? `  _meta.toolgate=${JSON.stringify(meta)}` : ''}`);
  } catch (error) {
    console.log(`${label}: JSON-RPC error: ${(error as Error).message}`);
  }
};

await show('read  get_registered_models', 'get_registered_models', {});
await show('write set_registered_model_tag', 'set_registered_model_tag', { name: 'churn-model', key: 'reviewed', value: 'yes' });
await show('hidden delete_registered_model', 'delete_registered_model', { name: 'churn-model' });
await show('unlisted some_other_tool', 'some_other_tool', {});
let limited = 0;
for (let i = 0; i < 31 && limited === 0; i++) {
  const result = await client.callTool({ name: 'set_experiment_tag', arguments: { experiment_id: '1', key: 'try', value: String(i) } });
  if ((result._meta as { toolgate?: { decision?: string } } | undefined)?.toolgate?.decision === 'rate_limited') limited = i + 1;
}
console.log(limited ? `limit: call ${limited} of set_experiment_tag this minute was rate-limited (30/minute per grant)` : 'limit: 31 writes went through (was the minute already partly used?)');
await show('again set_experiment_tag', 'set_experiment_tag', { experiment_id: '1', key: 'try', value: 'x' });
await client.close();
