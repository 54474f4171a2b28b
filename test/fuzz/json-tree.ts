// A JSON document as a tree whose text the fuzzer controls: keys may repeat, literals may be
// anything (`NaN`, `1e400`, an unsafe integer), so mutations can produce what JSON.stringify cannot.

export type JsonNode =
  | { t: 'obj'; entries: Array<[string, JsonNode]> }
  | { t: 'arr'; items: JsonNode[] }
  | { t: 'raw'; text: string };

export function fromValue(value: unknown): JsonNode {
  if (Array.isArray(value)) return { t: 'arr', items: value.map(fromValue) };
  if (value !== null && typeof value === 'object') return { t: 'obj', entries: Object.entries(value).map(([k, v]) => [k, fromValue(v)]) };
  return { t: 'raw', text: JSON.stringify(value) ?? 'null' };
}

export function render(node: JsonNode, pretty = false): string {
  const nl = pretty ? '\n' : '';
  switch (node.t) {
    case 'raw':
      return node.text;
    case 'arr':
      return `[${nl}${node.items.map((item) => render(item, pretty)).join(`,${nl}`)}${nl}]`;
    case 'obj':
      return `{${nl}${node.entries.map(([key, value]) => `${JSON.stringify(key)}:${render(value, pretty)}`).join(`,${nl}`)}${nl}}`;
  }
}

/** Every object in the tree with its depth (the root is at depth 1) and its path of keys. */
export function objects(node: JsonNode, depth = 1, path: string[] = []): Array<{ node: Extract<JsonNode, { t: 'obj' }>; depth: number; path: string[] }> {
  const found: Array<{ node: Extract<JsonNode, { t: 'obj' }>; depth: number; path: string[] }> = [];
  if (node.t === 'obj') {
    found.push({ node, depth, path });
    for (const [key, value] of node.entries) found.push(...objects(value, depth + 1, [...path, key]));
  } else if (node.t === 'arr') {
    for (const item of node.items) found.push(...objects(item, depth + 1, [...path, '[]']));
  }
  return found;
}

/** Every leaf, with a setter that replaces it in place. */
export function leaves(node: JsonNode): Array<{ value: string; set(next: JsonNode): void }> {
  const found: Array<{ value: string; set(next: JsonNode): void }> = [];
  const visit = (current: JsonNode): void => {
    if (current.t === 'obj') {
      for (const entry of current.entries) {
        if (entry[1].t === 'raw') found.push({ value: entry[1].text, set: (next) => void (entry[1] = next) });
        else visit(entry[1]);
      }
    } else if (current.t === 'arr') {
      current.items.forEach((item, index) => {
        if (item.t === 'raw') found.push({ value: item.text, set: (next) => void (current.items[index] = next) });
        else visit(item);
      });
    }
  };
  visit(node);
  return found;
}

export function get(node: JsonNode, key: string): JsonNode | undefined {
  return node.t === 'obj' ? node.entries.find(([k]) => k === key)?.[1] : undefined;
}

export function raw(text: string): JsonNode {
  return { t: 'raw', text };
}
