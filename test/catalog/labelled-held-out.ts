// Held-out labelled tools: written before the classifier's rules existed, and never used to tune
// them. Their figures are reported separately from the development set's.
import { DESTRUCTIVE, IDEMPOTENT, OPEN_WORLD, RO, RW, SAFE_WRITE, t, type LabelledTool } from './labelled-support.js';

export const HELD_OUT_TOOLS: readonly LabelledTool[] = [
  // GitHub
  t('github', 'list_commits', 'List commits on a branch of a repository', 'owner|repo|sha|page:number', 'read', { ann: RO }),
  t('github', 'create_or_update_file', 'Create or update a single file in a repository', 'owner|repo|path|content|message|branch|sha', 'write'),
  t('github', 'delete_branch', 'Delete a branch from the repository', 'owner|repo|branch', 'destructive'),
  t('github', 'git_push', 'Push local commits to the remote. Set force to overwrite the remote branch history.', 'remote|branch|force:boolean', 'destructive', { why: 'a tool that can force-push can rewrite remote history; the flag makes the worst case the class' }),
  // GitLab
  t('gitlab', 'gitlab.retryPipeline', 'Retry the failed jobs of a pipeline', 'project_id|pipeline_id:number', 'execute', { why: 're-running CI jobs runs code' }),
  t('gitlab', 'gitlab.getMergeRequestDiffs', 'Get the changes of a merge request', 'project_id|merge_request_iid:number', 'read'),
  // Jira
  t('jira', 'jira_transition_issue', 'Move an issue to another status in its workflow', 'issue_key|transition_id', 'write'),
  t('jira', 'jira_delete_issue', 'Deletes an issue. Subtasks are deleted too.', 'issue_key|delete_subtasks:boolean', 'destructive'),
  t('jira', 'jira_search', 'Search issues with JQL', 'jql|max_results:number', 'read', { ann: RO }),
  // Linear
  t('linear', 'linear_archive_project', 'Archive a project. Archived projects can be restored from settings.', 'projectId', 'write', { why: 'archive is reversible' }),
  // Slack
  t('slack', 'slack_post_message', 'Post a message to a channel', 'channel_id|text', 'write'),
  t('slack', 'slack_get_channel_history', 'Get recent messages from a channel', 'channel_id|limit:number', 'read'),
  t('slack', 'slack_kick_user', 'Remove a user from a conversation', 'channel|user', 'write', { why: 'removing a member is a reversible change of membership; nothing is lost' }),
  // email / calendar
  t('gmail', 'send_email', 'Send an email to one or more recipients', 'to:array|subject|body|cc:array', 'write', { ann: OPEN_WORLD }),
  t('gmail', 'empty_trash', 'Permanently delete every message in the trash', '', 'destructive'),
  t('calendar', 'createEvent', 'Create a calendar event and invite attendees', 'calendarId|summary|start|end|attendees:array', 'write'),
  t('calendar', 'freebusy_query', 'Return free/busy information for a set of calendars', 'timeMin|timeMax|items:array', 'read'),
  // Stripe
  t('stripe', 'create_refund', 'Refund a charge, in full or in part', 'charge|amount:integer|reason', 'financial'),
  t('stripe', 'retrieve_balance', 'Retrieve the current account balance', '', 'read', { ann: RO }),
  t('stripe', 'finalize_invoice', 'Finalize a draft invoice so that it can be paid', 'invoice', 'financial', { why: 'finalizing an invoice bills the customer' }),
  t('stripe', 'send_invoice_reminder', 'Email the customer a reminder about an open invoice', 'invoice', 'write', { why: 'a reminder sends an email; it moves no money' }),
  // PayPal
  t('paypal', 'paypal-create-payout', 'Send money to one or more PayPal accounts in a single batch', 'items:array|sender_batch_id', 'financial'),
  t('paypal', 'paypal-get-order', 'Show details for an order by ID', 'order_id', 'read'),
  // Shopify
  t('shopify', 'productVariantUpdatePrice', 'Change the price of a product variant', 'variantId|price|compareAtPrice', 'financial', { why: 'price changes are financial' }),
  t('shopify', 'inventorySetQuantity', 'Set the available quantity of an inventory item at a location', 'inventoryItemId|locationId|quantity:integer', 'write'),
  // banking
  t('bank', 'initiate_wire_transfer', 'Initiate an outgoing wire transfer from an account', 'from_account|beneficiary_iban|amount:number|currency|reference', 'financial'),
  t('bank', 'get_statement', 'Download an account statement for a month', 'account_id|month', 'read'),
  t('bank', 'freeze_card', 'Temporarily freeze a debit card; it can be unfrozen at any time', 'card_id', 'write', { why: 'a reversible card-state change, no money moves' }),
  // crypto
  t('wallet', 'swap_tokens', 'Swap one token for another on a decentralised exchange', 'from_token|to_token|amount:string|slippage:number', 'financial'),
  t('wallet', 'get_token_balances', 'Return balances of all tokens held by an address', 'address|chain', 'read', { ann: RO }),
  // AWS
  t('aws', 'ec2_terminate_instances', 'Shuts down and terminates one or more EC2 instances. Terminated instances cannot be restarted.', 'instance_ids:array', 'destructive'),
  t('aws', 'lambda_invoke', 'Invoke a Lambda function synchronously and return its result', 'function_name|payload', 'execute'),
  t('aws', 'secretsmanager_get_secret_value', 'Retrieve the value of a secret', 'secret_id', 'read', { ann: RO }),
  t('aws', 's3_put_bucket_policy', 'Apply a bucket policy to an S3 bucket, replacing any existing policy', 'bucket|policy', 'write'),
  // GCP
  t('gcp', 'bigquery_run_query', 'Run a BigQuery SQL query and return the rows', 'project|sql', 'execute', { why: 'arbitrary SQL may include DML and DDL' }),
  t('gcp', 'list_projects', 'List projects the caller can access', '', 'read'),
  // Kubernetes
  t('kubernetes', 'pods_exec', 'Execute a command in a running pod container', 'namespace|name|command:array|container', 'execute'),
  t('kubernetes', 'scale_deployment', 'Scale a deployment to a number of replicas', 'namespace|name|replicas:integer', 'write'),
  t('kubernetes', 'namespaces_delete', 'Delete a namespace and every resource in it', 'name', 'destructive'),
  // Docker / Terraform
  t('docker', 'prune_images', 'Remove all dangling images', 'all:boolean', 'destructive'),
  t('terraform', 'terraform_plan', 'Show the changes Terraform would make, without applying them', 'working_dir|var_file', 'read', { why: 'a plan computes a diff; it changes nothing' }),
  // Postgres
  t('postgres', 'query', 'Run a read-only SQL query. The query runs inside a READ ONLY transaction.', 'sql', 'read', { ann: RO, why: 'SELECT-only enforced by a read-only transaction' }),
  t('postgres', 'drop_index', 'Drop an index from a table', 'index_name|concurrently:boolean', 'destructive'),
  // MongoDB / Redis / Elasticsearch
  t('mongodb', 'insert-many', 'Insert an array of documents into a collection', 'database|collection|documents:array', 'write'),
  t('mongodb', 'aggregate', 'Run an aggregation pipeline against a collection and return the results', 'database|collection|pipeline:array', 'read', { ann: RO }),
  t('redis', 'flushdb', 'Remove all keys from the current database', '', 'destructive'),
  t('elasticsearch', 'es_reindex', 'Copy documents from a source index into a destination index', 'source|dest', 'write'),
  // files
  t('s3', 'copy_object', 'Copy an object to another key or bucket', 'source_bucket|source_key|dest_bucket|dest_key', 'write'),
  t('filesystem', 'edit_file', 'Make line-based edits to a text file', 'path|edits:array|dryRun:boolean', 'write'),
  t('filesystem', 'search_files', 'Recursively search for files matching a pattern', 'path|pattern', 'read', { ann: RO }),
  // shell / browser
  t('shell', 'run_command', 'Run a shell command and return stdout and stderr', 'command|cwd|timeout:number', 'execute'),
  t('browser', 'browser_navigate', 'Navigate the browser to a URL', 'url', 'read', { ann: OPEN_WORLD, why: 'loading a page changes nothing of the user\'s' }),
  t('browser', 'browser_evaluate', 'Evaluate a JavaScript expression in the page', 'expression', 'execute'),
  // Notion / Drive / CRM / support
  t('notion', 'notion_append_block_children', 'Append new children blocks to a parent block', 'block_id|children:array', 'write'),
  t('gdrive', 'gdrive_empty_trash', 'Permanently deletes all of the user\'s trashed files', '', 'destructive'),
  t('salesforce', 'sf_update_record', 'Update fields of an sObject record', 'sobject|id|fields:object', 'write', { ann: IDEMPOTENT }),
  t('hubspot', 'hubspot-merge-contacts', 'Merge two contacts into one; the secondary contact is removed', 'primaryId|secondaryId', 'destructive', { why: 'the secondary record is gone and HubSpot cannot unmerge' }),
  t('zendesk', 'get_ticket_comments', 'Retrieve all comments on a ticket', 'ticket_id:integer', 'read', { ann: RO }),
  // Twilio / Sentry / Datadog / MLflow / CI / DNS / passwords
  t('twilio', 'send_sms', 'Send an SMS message to a phone number', 'to|from|body', 'write'),
  t('sentry', 'resolve_issue', 'Mark a Sentry issue as resolved', 'issue_id', 'write', { ann: SAFE_WRITE }),
  t('datadog', 'mute_monitor', 'Mute a monitor until a given time', 'monitor_id:integer|end:integer', 'write'),
  t('mlflow', 'log_metric', 'Log a metric value for a run', 'run_id|key|value:number|step:integer', 'write'),
  t('cicd', 'trigger_build', 'Queue a new build of a pipeline on a branch', 'pipeline|branch|parameters:object', 'execute'),
  t('dns', 'delete_record', 'Delete a DNS record from a zone', 'zone_id|record_id', 'destructive', { ann: DESTRUCTIVE }),
  t('1password', 'get_item_password', 'Reveal the password field of a vault item', 'vault|item', 'read', { ann: RO }),
  t('vault', 'rotate_secret', 'Rotate a secret: generate a new value and keep the previous version readable', 'path', 'write', { ann: RW, why: 'rotation replaces a value and keeps the old version' }),
];
