// Splits tool names (snake_case, camelCase, kebab-case, dotted, slashed) and prose into lower-case
// words, so the vocabularies can be looked up word by word.

/** `gitlab.retryPipeline` → ['gitlab', 'retry', 'pipeline']; `get_S3Object` → ['get', 's3', 'object']. */
export function tokenizeName(name: string): string[] {
  return name
    .normalize('NFKC')
    // camelCase and PascalCase boundaries: fooBar → foo Bar, HTTPServer → HTTP Server.
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

/** Words of free text, lower-cased, apostrophes kept inside words ("don't"). */
export function tokenizeText(text: string): string[] {
  return (text.normalize('NFKC').toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? []);
}

/** A plural or third-person form reduced to the word the vocabularies list: deletes → delete, queries → query. */
export function stemCandidates(word: string): string[] {
  const candidates = [word];
  if (word.endsWith('ies') && word.length > 4) candidates.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('es') && word.length > 3) candidates.push(word.slice(0, -2));
  if (word.endsWith('s') && word.length > 2) candidates.push(word.slice(0, -1));
  return candidates;
}
