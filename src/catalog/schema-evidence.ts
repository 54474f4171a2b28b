// Evidence from the input schema: money fields (amount with currency), flags that make a call
// destroy more (force, overwrite, cascade), and raw code or command strings the tool will run.
import { isObject } from '../lib/is-object.js';
import { tokenizeName } from './tokenize-name.js';
import type { Evidence, EvidenceModifiers } from './tool-types.js';

export interface SchemaReading {
  evidence: Evidence[];
  modifiers: EvidenceModifiers;
  /** Property names, for other readers (and the reasons). */
  properties: string[];
}

export interface SchemaContext {
  /** The tool or its siblings talk about SQL/databases: a `query` string is then a statement. */
  sqlContext: boolean;
  /** The description says the tool runs or evaluates what it is given. */
  runsInput: boolean;
  /** The name's action verb, if any. */
  verb?: string;
}

const AMOUNT = new Set(['amount', 'amounts', 'price', 'unit_amount', 'unitamount', 'cost', 'total', 'fee', 'value_usd', 'sum', 'lamports', 'wei', 'satoshis', 'sats']);
const CURRENCY = new Set(['currency', 'currency_code', 'currencycode', 'token_address', 'asset', 'mint', 'symbol', 'coin']);
const PAYEE = new Set(['iban', 'account_number', 'routing_number', 'card_number', 'beneficiary', 'beneficiary_iban', 'recipient', 'to_address', 'destination_address', 'payee', 'sort_code', 'swift', 'bic', 'wallet_address', 'destination']);
/** Flags that make the call delete things: the tool's worst case is then destruction. */
const DELETING_FLAGS = new Set(['purge', 'prune', 'wipe', 'delete', 'remove', 'destroy', 'cascade', 'permanent', 'permanently', 'hard_delete', 'delete_data']);
/** Flags that override a safety check: evidence of a rougher effect, not destruction by themselves. */
const FORCING_FLAGS = new Set(['force', 'overwrite', 'hard', 'clean', 'mirror', 'replace']);
const CODE_FIELDS = new Set(['sql', 'command', 'cmd', 'commands', 'script', 'shell', 'bash', 'javascript', 'js', 'python', 'statement', 'statements', 'expression', 'code_to_run', 'snippet', 'program', 'ddl', 'dml']);
const MAYBE_CODE_FIELDS = new Set(['code', 'query', 'function', 'source', 'body', 'input']);
const SQL_TALK = /\b(sql|select|insert|statement|ddl|dml|cypher|query language)\b/i;

export function schemaEvidence(schema: Record<string, unknown> | undefined, context: SchemaContext): SchemaReading {
  const evidence: Evidence[] = [];
  const modifiers: EvidenceModifiers = {};
  const properties = propertiesOf(schema);
  const names = Object.keys(properties);
  const lowered = names.map((name) => name.toLowerCase());

  const amount = lowered.find((name) => AMOUNT.has(name) || tokenizeName(name).some((word) => word === 'amount' || word === 'budget'));
  const currency = lowered.find((name) => CURRENCY.has(name) || tokenizeName(name).includes('currency'));
  const payee = lowered.find((name) => PAYEE.has(name) || tokenizeName(name).includes('iban'));
  const quantity = lowered.find((name) => name === 'quantity' || name === 'qty' || name === 'size');
  const limit = currency ? lowered.find((name) => tokenizeName(name).some((word) => word === 'limit' || word === 'value' || word === 'cap')) : undefined;
  if ((amount || limit) && (currency || payee || (quantity && amount === 'price'))) {
    evidence.push({ signal: 'money', weight: 3, source: 'schema', reason: `schema has "${amount ?? limit}" with "${currency ?? payee ?? quantity}"` });
  } else if (amount) {
    evidence.push({ signal: 'money', weight: 1.5, source: 'schema', reason: `schema has "${amount}"` });
  }

  const deleting = lowered.find((name) => DELETING_FLAGS.has(name) || /^(delete|remove|purge|destroy|prune)_/.test(name));
  const forcing = lowered.find((name) => FORCING_FLAGS.has(name));
  if (deleting) evidence.push({ signal: 'destructive', weight: 3.5, source: 'schema', reason: `schema option "${deleting}" makes a call delete things` });
  else if (forcing && context.verb === 'push' && forcing === 'force') evidence.push({ signal: 'destructive', weight: 3.5, source: 'schema', reason: 'schema flag "force" on a push: a force push rewrites remote history', hard: true });
  else if (forcing) evidence.push({ signal: 'destructive', weight: 2, source: 'schema', reason: `schema flag "${forcing}" can make a call destroy more` });
  else if (lowered.includes('recursive')) evidence.push({ signal: 'destructive', weight: 0.5, source: 'schema', reason: 'schema flag "recursive" widens the effect' });

  const code = codeField(names, properties, context);
  if (code) evidence.push({ signal: 'execute', weight: 2.5, source: 'schema', reason: `schema takes a raw "${code}" to run` });

  for (const [name, property] of Object.entries(properties)) {
    const description = typeof property['description'] === 'string' ? property['description'].toLowerCase() : '';
    const claim = /\b(select|read[- ]only)\b[^.]*\b(only|statement|query)\b/.exec(description)?.[0];
    if (claim && /\b(only|read[- ]only)\b/.test(description)) modifiers.readOnlyClaim ??= `schema "${name}" is limited to reads: "${claim}"`;
  }
  return { evidence, modifiers, properties: names };
}

function codeField(names: readonly string[], properties: Record<string, Record<string, unknown>>, context: SchemaContext): string | undefined {
  for (const name of names) {
    const lower = name.toLowerCase();
    if (CODE_FIELDS.has(lower)) return name;
    if (!MAYBE_CODE_FIELDS.has(lower)) continue;
    const description = typeof properties[name]?.['description'] === 'string' ? (properties[name]?.['description'] as string) : '';
    if (context.runsInput || ((lower === 'query' || lower === 'source') && (context.sqlContext || SQL_TALK.test(description)))) return name;
  }
  return undefined;
}

function propertiesOf(schema: Record<string, unknown> | undefined): Record<string, Record<string, unknown>> {
  const properties = schema?.['properties'];
  if (!properties || typeof properties !== 'object' || Array.isArray(properties)) return {};
  const result: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(properties as Record<string, unknown>)) {
    result[name] = isObject(value) ? value : {};
  }
  return result;
}
