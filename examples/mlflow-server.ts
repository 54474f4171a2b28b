#!/usr/bin/env node
// The demo MLflow MCP server ("mlflow-demo"): the 40 tools of a real MLflow MCP server over an
// in-memory, seeded registry. stdio by default; `--http <port>` serves http://127.0.0.1:<port>/mcp.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { callMlflowTool, hasMlflowTool } from './mlflow/handlers.js';
import { createSeededRegistry } from './mlflow/seed.js';
import { MLFLOW_TOOLS } from './mlflow/tool-definitions.js';
import { serveMcp } from './serve-mcp.js';

// One registry per process: in HTTP mode every session sees (and changes) the same data.
const registry = createSeededRegistry();

function createMlflowServer(): Server {
  const server = new Server({ name: 'mlflow-demo', version: '0.1.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [...MLFLOW_TOOLS] }));
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    const { name, arguments: args } = request.params;
    // An unknown tool is a protocol error (-32602), as the SDK's own McpServer answers it.
    if (!hasMlflowTool(name)) throw new McpError(ErrorCode.InvalidParams, `Tool ${name} not found`);
    return callMlflowTool(registry, name, args);
  });
  return server;
}

await serveMcp(createMlflowServer, process.argv.slice(2), 'mlflow-demo');
