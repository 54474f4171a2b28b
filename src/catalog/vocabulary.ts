// Word lists the classifier reads names and descriptions with. They describe what verbs and nouns
// mean for a tool's effect in the world, written from tool semantics, not fitted to any one server.
import { stemCandidates } from './tokenize-name.js';

export type VerbEffect = 'read' | 'write' | 'execute' | 'destructive' | 'money';

/** Verbs whose object is destroyed or lost beyond an ordinary undo. */
const HARD_DESTRUCTIVE = [
  'delete', 'del', 'destroy', 'drop', 'truncate', 'purge', 'wipe', 'erase', 'shred', 'nuke', 'expunge',
  'obliterate', 'empty', 'flush', 'prune', 'terminate', 'decommission', 'deprovision', 'overwrite', 'rm',
  'rmdir', 'kill', 'zap', 'teardown', 'annihilate',
];
/** Verbs that remove something, but often reversibly or only from a collection. */
const SOFT_DESTRUCTIVE = ['remove', 'unlink', 'revoke', 'clear', 'discard', 'clean', 'cleanup', 'evict', 'invalidate', 'uninstall', 'squash'];

const READ = [
  'get', 'list', 'read', 'fetch', 'retrieve', 'search', 'find', 'query', 'lookup', 'look', 'show', 'describe', 'view',
  'inspect', 'check', 'count', 'export', 'download', 'compare', 'diff', 'explain', 'validate', 'verify', 'preview',
  'plan', 'estimate', 'calculate', 'compute', 'analyze', 'analyse', 'summarize', 'summarise', 'browse', 'scan', 'tail',
  'grep', 'cat', 'ls', 'stat', 'ping', 'whoami', 'print', 'screenshot', 'navigate', 'goto', 'hover', 'scroll', 'wait',
  'poll', 'aggregate', 'trace', 'audit', 'test', 'lint', 'parse', 'extract', 'translate', 'convert', 'format',
  'render', 'watch', 'monitor', 'sample', 'head', 'tree', 'locate', 'identify', 'detect', 'measure',
  'quote', 'simulate', 'dry', 'discover', 'probe', 'suggest', 'recommend', 'forecast', 'predict', 'explore',
];
const WRITE = [
  'create', 'add', 'insert', 'update', 'edit', 'modify', 'patch', 'set', 'put', 'post', 'send', 'reply', 'forward',
  'comment', 'write', 'save', 'upload', 'append', 'assign', 'unassign', 'label', 'tag', 'untag', 'move', 'rename', 'copy',
  'clone', 'duplicate', 'fork', 'import', 'register', 'unregister', 'link', 'attach', 'detach', 'enable', 'disable',
  'toggle', 'start', 'stop', 'restart', 'reboot', 'pause', 'resume', 'suspend', 'unsuspend', 'schedule', 'reschedule',
  'invite', 'share', 'unshare', 'publish', 'unpublish', 'archive', 'unarchive', 'restore', 'undelete', 'lock', 'unlock',
  'mute', 'unmute', 'pin', 'unpin', 'star', 'unstar', 'follow', 'unfollow', 'subscribe', 'unsubscribe', 'approve',
  'reject', 'review', 'submit', 'merge', 'close', 'reopen', 'transition', 'promote', 'demote', 'scale', 'resize', 'mark',
  'flag', 'react', 'upvote', 'downvote', 'fill', 'click', 'type', 'press', 'drag', 'sync', 'resolve', 'place', 'synchronize',
  'provision', 'configure', 'apply', 'rotate', 'renew', 'refresh', 'reindex', 'generate', 'log', 'record', 'track',
  'confirm', 'accept', 'decline', 'cancel', 'abort', 'block', 'unblock', 'ban', 'unban', 'kick', 'mention', 'notify',
  'remind', 'email', 'message', 'dm', 'call', 'dial', 'push', 'commit', 'checkout', 'release',
  'trash', 'untrash', 'hide', 'unhide', 'activate', 'deactivate', 'freeze', 'unfreeze', 'snooze', 'acknowledge', 'ack',
  'escalate', 'backup', 'reset', 'trigger', 'select', 'void', 'compress', 'decompress', 'zip', 'unzip', 'gzip', 'protect', 'unprotect', 'pull', 'fulfill', 'fulfil', 'ship', 'replace', 'upsert', 'store', 'increment', 'decrement', 'expire', 'persist',
  'rollback', 'revert', 'undo', 'redo', 'migrate', 'connect', 'disconnect', 'join', 'leave', 'bookmark',
  'claim', 'complete', 'finish', 'grant', 'authorize', 'deauthorize', 'enroll',
  'drain', 'cordon', 'uncordon', 'annotate', 'reorder', 'init', 'initialize', 'setup', 'mkdir',
  'touch', 'chmod', 'chown', 'mount', 'unmount', 'request', 'propose', 'vote', 'bump', 'tweet',
  'draft', 'compose', 'respond', 'answer', 'transfer', 'allocate', 'deallocate',
];
const EXECUTE = [
  'run', 'execute', 'exec', 'eval', 'evaluate', 'invoke', 'dispatch', 'launch', 'spawn', 'deploy',
  'build', 'compile', 'install', 'interpret', 'shell', 'bash', 'sh', 'rerun', 'replay', 'retry', 'perform', 'script',
  'train', 'finetune', 'benchmark',
];
/** Verbs whose act moves money by itself. */
const MONEY = [
  'pay', 'refund', 'charge', 'payout', 'withdraw', 'deposit', 'purchase', 'buy', 'sell', 'trade', 'swap', 'stake',
  'unstake', 'tip', 'donate', 'bill', 'invoice', 'settle', 'disburse', 'remit', 'fund', 'borrow', 'lend',
  'repay', 'mint', 'bid', 'wire', 'reimburse', 'bridge', 'spend',
];

const VERB_TABLE = new Map<string, VerbEffect>();
for (const [effect, words] of [
  ['read', READ], ['write', WRITE], ['execute', EXECUTE], ['destructive', [...HARD_DESTRUCTIVE, ...SOFT_DESTRUCTIVE]], ['money', MONEY],
] as const) {
  for (const word of words) if (!VERB_TABLE.has(word) || effect !== 'write') VERB_TABLE.set(word, effect);
}

/** A name's words are looked up as written (`logs`, `runs` are nouns there); prose is stemmed (`deletes`). */
export function verbEffect(word: string, options: { stem?: boolean } = {}): VerbEffect | undefined {
  for (const candidate of options.stem ? stemCandidates(word) : [word]) {
    const effect = VERB_TABLE.get(candidate);
    if (effect) return effect;
  }
  return undefined;
}

/** Verbs recognised at the start of a run-together word (`flushdb`, `dropdb`, `getall`). */
const PREFIX_VERBS = ['delete', 'destroy', 'truncate', 'purge', 'flush', 'drop', 'wipe', 'erase', 'get', 'list'];

export function prefixVerb(word: string): string | undefined {
  return PREFIX_VERBS.find((verb) => word.startsWith(verb) && word.length >= verb.length + 2);
}

/** Verbs that make a runnable thing run (`start_workflow`, "Start a training job"). */
export const STARTING_VERBS: ReadonlySet<string> = new Set(['start', 'trigger', 'retry', 'rerun', 'queue', 'dispatch', 'schedule', 'launch', 'call', 'apply', 'submit', 'restart', 'replay', 'kick']);

/**
 * Verbs that are as often nouns at the front of a namespaced name (`log_search`, `dns_record_delete`,
 * `comment_delete`): when another verb follows, that one is the action.
 */
export const NOUN_LIKE_VERBS: ReadonlySet<string> = new Set([
  'log', 'record', 'audit', 'trace', 'report', 'comment', 'post', 'tag', 'label', 'message', 'email', 'note', 'release',
  'backup', 'snapshot', 'plan', 'build', 'test', 'draft', 'order', 'call', 'flag', 'bookmark', 'pin', 'star', 'sample',
  'quote', 'request', 'review', 'watch', 'monitor', 'text', 'schedule', 'script', 'bill', 'invoice', 'fund', 'wire', 'tip',
]);

/** Objects that make `resolve` a lookup (`resolve_library_id`, `resolve_hostname`) rather than settling something. */
export const LOOKUP_OBJECTS: ReadonlySet<string> = new Set(['id', 'ids', 'name', 'names', 'host', 'hostname', 'dns', 'address', 'path', 'symbol', 'url', 'uri', 'reference', 'ref', 'alias', 'handle', 'did', 'domain', 'library', 'package', 'version', 'type', 'identity']);

export function isSoftDestructiveVerb(word: string): boolean {
  return stemCandidates(word).some((candidate) => SOFT_DESTRUCTIVE.includes(candidate));
}

const set = (words: string): ReadonlySet<string> => new Set(words.split(/\s+/).filter(Boolean));

/** Things that are money, or whose change is a change of what someone pays. */
export const MONEY_NOUNS = set(`
  payment payments refund refunds charge charges payout payouts invoice invoices subscription subscriptions price prices
  pricing coupon coupons discount discounts billing funds fund money transaction transactions trade trades loan loans
  payroll budget budgets spend bid bids donation donations tip purchase purchases bill bills fee fees tax taxes credit
  credits debit wire remittance escrow dividend salary wage wages cashout withdrawal withdrawals deposit deposits
  transfer transfers ledger allowance spending order orders eth ether btc bitcoin usdc usdt dai sol matic crypto
  lamports satoshi`);
/** Money nouns that are also ordinary words: they count only beside other money evidence or in a money domain. */
export const WEAK_MONEY_NOUNS = set('order orders transfer transfers credit credits plan position positions account accounts wallet balance');

/** Nouns naming a secret: reading one is more than a low-risk read. */
export const SECRET_NOUNS = set(`
  secret secrets password passwords passphrase credential credentials apikey privatekey mnemonic seed otp totp mfa
  cookie cookies vault keychain keystore ssh pem certificate certificates env dotenv`);
/** Two-word secrets: `api key`, `private key`, `access token`, … */
export const SECRET_PAIRS = ['api key', 'private key', 'access key', 'secret key', 'access token', 'auth token', 'bearer token', 'session token', 'refresh token', 'personal access', 'signing key', 'ssh key', 'seed phrase', 'recovery phrase', 'client secret'];

/** Nouns about who may do what: writing them changes access. */
export const ACCESS_NOUNS = set('permission permissions role roles policy policies acl acls iam access grant grants member membership collaborator owner owners admin admins sharing visibility firewall');

/** Things that run when started or triggered. */
export const RUNNABLE_NOUNS = set(`
  workflow workflows pipeline pipelines job jobs build builds function functions lambda script scripts command commands
  code notebook notebooks cell cells playbook playbooks runbook runbooks macro macros test tests suite migration
  migrations query queries sql statement statements task dag dags action actions automation automations flow flows
  terraform pulumi ansible cdk stack stacks changeset changesets`);

/** Links between two things: removing one loses nothing but the link. */
export const ASSOCIATION_NOUNS = set(`
  label labels tag tags member members assignee assignees reviewer reviewers collaborator collaborators participant
  participants attendee attendees watcher watchers subscriber role roles permission permissions reaction reactions star
  stars alias_link follower followers relation relationship link links access user_from from`);

/** Disposable state: wiping it loses nothing that is not rebuilt. */
export const DISPOSABLE_NOUNS = set('cache caches cached selection highlight highlights filter filters console screen input badge notifications notification typing tmp temp scratch cookie cookies session sessions');

/** Nouns for a destructive act: scheduling or requesting one is destructive (`schedule_key_deletion`). */
export const DESTRUCTION_NOUNS = set('deletion deletions removal destruction termination erasure teardown wipe purge');

/** A message about something: sending one changes nothing but an inbox. */
export const MESSAGE_NOUNS = set('reminder reminders notification notifications email emails message messages receipt receipts notice alert alerts digest summary');

/** Leading adverbs skipped when reading a description's first verb. */
export const ADVERBS = set('permanently temporarily recursively asynchronously synchronously safely quickly immediately optionally atomically securely also then');
