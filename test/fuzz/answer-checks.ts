// Checks on answers the fuzz receives: a hidden tool never appears in a tools/list result, and an
// allowed `echo` call shows the server got exactly the arguments the gateway judged.

/** What is wrong with `answer` to `request`, or undefined. */
export function answerProblem(request: Buffer, answer: Record<string, unknown> | undefined, hidden: ReadonlySet<string>): string | undefined {
  const result = answer?.['result'] as Record<string, unknown> | undefined;
  if (!result) return undefined;
  const tools = result['tools'];
  if (Array.isArray(tools)) {
    const leaked = tools.map((tool: { name?: unknown }) => tool.name).filter((name) => typeof name === 'string' && hidden.has(name));
    return leaked.length > 0 ? `hidden tools listed: ${leaked.join(', ')}` : undefined;
  }
  const sent = parseSent(request);
  const params = sent?.['params'] as Record<string, unknown> | undefined;
  if (sent?.['method'] !== 'tools/call' || params?.['name'] !== 'echo' || result['isError'] === true) return undefined;
  const text = (result['content'] as Array<{ text?: string }> | undefined)?.[0]?.text;
  const judged = JSON.stringify(params['arguments'] ?? {});
  return text === judged ? undefined : `the server saw ${text} but the gateway judged ${judged}`;
}

function parseSent(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(bytes.toString('utf8').replace(/^\ufeff/, '')) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
