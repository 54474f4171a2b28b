// A second reader's set: 30 tools the lead wrote without looking at the rules, measured as written.
// First measurement, before any change to the classifier: 25/30. Generic phrasing rules added after
// it (overwriting, formatting a disk, "and refund the customer"); the misses that remain stay here.
import { t, type LabelledTool } from './labelled-support.js';

export const REVIEW_TOOLS: readonly LabelledTool[] = [
  t('billing', 'listInvoices', 'List invoices for a customer', 'customer', 'read'),
  t('billing', 'void_invoice', 'Void an open invoice so it can no longer be paid', 'invoice_id', 'financial'),
  t('billing', 'issue-credit-note', 'Issue a credit note against an invoice, reducing the amount owed', 'invoice|amount:integer|currency', 'financial'),
  t('k8s-admin', 'scale_deployment', 'Change the replica count of a Kubernetes deployment', 'name|replicas:integer', 'write'),
  t('kubernetes', 'delete_namespace', 'Delete a namespace and every resource in it', 'namespace', 'destructive'),
  t('kubernetes', 'exec_in_pod', 'Run a command inside a running container', 'pod|command:array', 'execute'),
  t('kubernetes', 'get_pod_logs', 'Fetch the logs of a pod', 'pod', 'read'),
  t('slack', 'sendSlackMessage', 'Post a message to a Slack channel', 'channel|text', 'write'),
  t('slack', 'kick_member', 'Remove a user from a workspace channel', 'user', 'write'),
  t('drive', 'empty_trash', 'Permanently remove all items in the trash', '', 'destructive'),
  t('crm', 'search_contacts', 'Find CRM contacts matching a query', 'q', 'read'),
  t('crm', 'upsert_contact', 'Create or update a CRM contact', 'email', 'write'),
  t('postgres', 'sql', 'Execute an arbitrary SQL statement against the production database', 'statement', 'execute'),
  t('postgres', 'explain_query', 'Show the query plan for a SELECT statement without running it', 'sql', 'read'),
  t('cloud-volumes', 'restore_snapshot', 'Restore a volume from a snapshot, overwriting its current contents', 'snapshot_id|volume_id', 'destructive', { why: 'restoring over a volume loses its current contents' }),
  t('cloud-volumes', 'create_snapshot', 'Snapshot a volume', 'volume_id', 'write'),
  t('wallet', 'top_up_wallet', 'Add funds to a prepaid wallet from the saved card', 'amount:number|currency', 'financial'),
  t('fx', 'get_exchange_rate', 'Return the current exchange rate between two currencies', 'from|to', 'read'),
  t('expenses', 'approve_expense', 'Approve an employee expense report for reimbursement', 'report_id', 'financial', { why: 'approving a reimbursement commits money' }),
  t('ansible', 'run_playbook', 'Run an Ansible playbook against an inventory', 'playbook', 'execute'),
  t('device-admin', 'format_disk', 'Format a disk partition', 'device', 'destructive', { why: 'formatting a disk erases it' }),
  t('workspace', 'rename_file', 'Rename a file in the workspace', 'from|to', 'write'),
  t('identity', 'disable_user', 'Disable a user account so they can no longer sign in', 'user_id', 'write'),
  t('mdm', 'erase_device', 'Remotely wipe a managed laptop', 'device_id', 'destructive'),
  t('brokerage', 'place_order', 'Buy shares at market price', 'symbol|quantity:integer', 'financial'),
  t('browser', 'evaluate_js', 'Evaluate JavaScript in the page and return the result', 'expression', 'execute'),
  t('browser', 'screenshot', 'Capture a screenshot of the current page', '', 'read'),
  t('mailing', 'unsubscribe_all', 'Unsubscribe every recipient from a mailing list', 'list_id', 'write'),
  t('shop', 'cancel_order', 'Cancel a pending order and refund the customer', 'order_id', 'financial', { why: 'the cancel refunds the customer' }),
  t('search', 'reindex', 'Drop and rebuild the search index', 'index', 'destructive', { why: 'dropping the index loses it until the rebuild ends' }),
];
