// Stress tools, written after the rules to probe their weak spots: misleading or missing
// annotations, missing descriptions, unusual verbs and terse names. Measured first without any
// change to the rules; the figures of that first run are in docs/classification.md.
import { DESTRUCTIVE, RO, SAFE_WRITE, t, type LabelledTool } from './labelled-support.js';

export const STRESS_TOOLS: readonly LabelledTool[] = [
  // misleading annotations: the hint says one thing, the tool does another
  t('notes', 'delete_note', 'Delete a note', 'note_id', 'destructive', { ann: RO, why: 'readOnlyHint lies; the name deletes' }),
  t('db', 'drop_database', 'Drop a database', 'name', 'destructive', { ann: SAFE_WRITE, why: 'destructiveHint:false lies' }),
  t('crm', 'list_contacts', 'List contacts', 'limit:integer', 'read', { ann: DESTRUCTIVE, why: 'a destructive hint on a list is noise' }),
  t('payments', 'issue_refund', 'Issue a refund to the customer', 'payment_id|amount:number|currency', 'financial', { ann: RO, why: 'readOnlyHint on a refund' }),
  t('ops', 'run_script', 'Run a maintenance script on the server', 'script', 'execute', { ann: RO, why: 'readOnlyHint on a script runner' }),
  // no description at all
  t('tracker', 'removeProject', '', 'projectId', 'destructive'),
  t('tracker', 'getProjects', '', '', 'read'),
  t('tracker', 'updateProject', '', 'projectId|name', 'write'),
  t('billing', 'chargeCustomer', '', 'customerId|amount:number|currency', 'financial'),
  t('infra', 'exec', '', 'cmd', 'execute'),
  // unusual verbs and terse names
  t('fs', 'rm', 'Remove files', 'paths:array|recursive:boolean', 'destructive'),
  t('fs', 'mv', 'Move a file', 'src|dst', 'write'),
  t('fs', 'ls', 'List a directory', 'path', 'read'),
  t('cloud', 'nuke_environment', 'Tear down every resource of an environment', 'env_id', 'destructive'),
  t('cloud', 'teardown_stack', 'Tear down a stack and all its resources', 'stack', 'destructive'),
  t('cms', 'unpublish_post', 'Take a post offline; it stays as a draft', 'post_id', 'write'),
  t('cms', 'overwrite_page', 'Replace a page\'s content with new content; the old revision is discarded', 'page_id|content', 'destructive'),
  t('hr', 'offboard_employee', 'Offboard an employee: disable their accounts and delete their mailbox', 'employee_id', 'destructive'),
  t('hr', 'run_payroll', 'Run payroll for the period and pay every employee', 'period', 'financial'),
  t('ads', 'boost_post', 'Promote a post with a paid budget', 'post_id|budget:number|currency|days:integer', 'financial'),
  t('support', 'escalate_ticket', 'Escalate a ticket to tier 2', 'ticket_id', 'write'),
  t('search', 'web_search', 'Search the web', 'query', 'read'),
  t('ml', 'train_model', 'Start a training job on a GPU cluster', 'config:object', 'execute'),
  t('ml', 'predict', 'Get predictions from a deployed model', 'inputs:array', 'read'),
  t('cache', 'flush_all', 'Flush every key of every database', '', 'destructive'),
];
