import type { Knex } from 'knex';
import { CommitConflict } from '../domain/ingestion/refusal';
import type { IngestionFileRow } from './ingestion-runs';
import { stagedRowCount, stagingColumnsSql, stagingTable } from './ingestion-staging';

/**
 * The commit's writes to the receivables tables: set-based merges from the staging tables
 * validation filled (db/ingestion-staging.ts) into accounts, contacts, jobs, statements,
 * invoices, adjustments and statement items, each recording the accounts it touched in the
 * transaction's `ingest_touched` table so their statistics can be refreshed after. Every
 * function runs inside the commit's one transaction (activities/ingestion/commit-run.ts).
 */

/**
 * One upload of a dealer at a time: concurrent merges of the same documents would deadlock.
 * Then the table the merges record touched accounts in, gone when the transaction ends.
 */
export async function beginMerge(trx: Knex.Transaction, dealerId: string): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`ingest:${dealerId}`]);
  await trx.raw('create temp table ingest_touched (account_id uuid primary key) on commit drop');
}

/** The accounts the merges touched, whose statistics the commit refreshes. */
export async function touchedAccounts(trx: Knex.Transaction): Promise<string[]> {
  return (await trx('ingest_touched').select('account_id')).map((row: { account_id: string }) => row.account_id);
}

/**
 * The file's staging table, written by validation. It must hold exactly the rows validation
 * counted: an unlogged table comes back empty after a database crash, and a run validated by
 * an older version has none. A file without valid rows gets an empty stand-in for the merge.
 */
export async function requireStage(trx: Knex.Transaction, file: IngestionFileRow): Promise<string> {
  const table = stagingTable(file.id);
  const staged = await stagedRowCount(trx, file.id);
  if (staged === null && file.valid_rows === 0) {
    await trx.raw(`create temp table ${table} (${stagingColumnsSql(file.data_type)}) on commit drop`);
    return table;
  }
  if (staged !== file.valid_rows) {
    throw new CommitConflict(`The validated rows of ${file.filename} are no longer available (${staged ?? 0} of ${file.valid_rows}); nothing was applied. Upload the file again.`);
  }
  return table;
}

interface Target {
  column: string;
  /** Expression over the staged row `s`, the account `a` and the job `j`. */
  value: string;
  /** Staged file column that must be present for the value to be written; of several, any one. */
  from?: string | readonly string[];
  /** Written on insert only (the conflict key). */
  insertOnly?: boolean;
}

function fileHas(file: IngestionFileRow, from: Target['from']): boolean {
  if (from === undefined) return true;
  const wanted: readonly string[] = typeof from === 'string' ? [from] : from;
  return file.columns.some((c) => c.column !== null && wanted.includes(c.column));
}

// The discount and its last day are written together, so a file with only one of the columns
// cannot leave a row holding half of an old discount.
const TERMS_DISCOUNT_COLUMNS = ['discount_amount', 'discount_date'] as const;

/**
 * Two set-based statements instead of `insert ... on conflict do update`: an update of the
 * rows whose values differ, then a plain insert of the keys the table does not have. The
 * single upsert locked (and so rewrote) every existing row it met even when nothing changed,
 * which made re-uploading an unchanged export cost as much as loading it; now unchanged rows
 * are only read. Validation guarantees each key appears once per file, and the dealer's
 * ingestion lock keeps other uploads out, so a key cannot appear between the two statements
 * except through a concurrent ERP write, which fails the transaction (and the activity
 * retries) instead of being overwritten. Columns the file did not have are left as they are.
 */
async function upsert(
  trx: Knex.Transaction, file: IngestionFileRow, spec: { table: string; conflict: string; from: string; targets: Target[]; accountColumn: string | null },
  dealerId: string,
): Promise<{ inserted: number; updated: number }> {
  const present = spec.targets.filter((t) => fileHas(file, t.from));
  const key = present.find((t) => t.column === spec.conflict);
  if (!key) throw new Error(`${spec.table}: no staged value for the key ${spec.conflict}`);
  const updatable = present.filter((t) => !t.insertOnly);
  // Validation gave every staged row a time-ordered id (time-ordered-ids.ts).
  const inserts = [{ column: 'id', value: 's.id' }, ...present];
  const touch = (rows: string) => (spec.accountColumn
    ? `, touched as (insert into ingest_touched (account_id) select distinct account_id from ${rows} on conflict do nothing)`
    : '');
  const returning = spec.accountColumn ? `t.${spec.accountColumn}` : 'null::uuid';
  const updated = await trx.raw(
    `with changed as (
       update ${spec.table} as t set ${updatable.map((u) => `${u.column} = ${u.value}`).join(', ')}, updated_at = now()
       from ${spec.from}
       where t.dealer_id = :dealerId and t.${spec.conflict} = ${key.value}
         and (${updatable.map((u) => `t.${u.column}`).join(', ')}) is distinct from (${updatable.map((u) => u.value).join(', ')})
       returning ${returning} as account_id
     )${touch('changed')}
     select count(*)::integer as rows from changed`,
    { dealerId },
  );
  const inserted = await trx.raw(
    `with added as (
       insert into ${spec.table} as t (dealer_id, ${inserts.map((i) => i.column).join(', ')})
       select :dealerId, ${inserts.map((i) => i.value).join(', ')} from ${spec.from}
       where not exists (select 1 from ${spec.table} e where e.dealer_id = :dealerId and e.${spec.conflict} = ${key.value})
       returning ${returning} as account_id
     )${touch('added')}
     select count(*)::integer as rows from added`,
    { dealerId },
  );
  return { inserted: inserted.rows[0].rows as number, updated: updated.rows[0].rows as number };
}

const ACCOUNT_JOIN = (stage: string) => `${stage} s join ingest_accounts a on a.erp_account_id = s.account_id`;

/**
 * The dealer's live accounts (or jobs) by ERP id, copied into a small temporary table with
 * its own statistics for the merges to join against. Joined directly, `customer_accounts`
 * often has no statistics for the rows that matter (an accounts file merged a moment ago in
 * this same transaction, or a table autovacuum has not analyzed yet); the planner then
 * guessed one account and probed an index per staged row: a 200,000-invoice merge took 20.8 s
 * instead of 5.0 s. ANALYZE of the shared table itself would hold a lock that queues other
 * dealers' commits; a temporary table is this transaction's alone.
 */
export async function snapshotKeys(trx: Knex.Transaction, kind: 'accounts' | 'jobs', dealerId: string): Promise<void> {
  const [table, source, key] = kind === 'accounts'
    ? ['ingest_accounts', 'customer_accounts where dealer_id = :dealerId and deleted_at is null', 'erp_account_id']
    : ['ingest_jobs', 'jobs where dealer_id = :dealerId', 'erp_job_id'];
  await trx.raw(`drop table if exists ${table}`);
  await trx.raw(`create temp table ${table} on commit drop as select ${key}, id from ${source}`, { dealerId });
  await trx.raw(`create unique index on ${table} (${key})`);
  await trx.raw(`analyze ${table}`);
}

/** Fails the commit when staged rows point at accounts that disappeared since validation. */
export async function requireAccounts(trx: Knex.Transaction, stage: string, file: IngestionFileRow, dealerId: string): Promise<void> {
  const missing = await trx.raw(
    `select distinct s.account_id from ${stage} s left join ingest_accounts a on a.erp_account_id = s.account_id
     where a.id is null limit 5`,
  );
  if (missing.rows.length > 0) {
    throw new CommitConflict(`${file.filename} refers to accounts that no longer exist in Drypowder (${missing.rows.map((r: { account_id: string }) => r.account_id).join(', ')}); nothing was applied. Upload the accounts again with this file.`);
  }
}

/** Documents that move to another account leave their old account's statistics stale too. */
async function touchPreviousOwners(trx: Knex.Transaction, stage: string, table: string, keyColumn: string, stageKey: string, dealerId: string): Promise<void> {
  await trx.raw(
    `insert into ingest_touched (account_id)
     select distinct t.customer_account_id from ${stage} s
       join ${table} t on t.dealer_id = :dealerId and t.${keyColumn} = s.${stageKey}
       join ingest_accounts a on a.erp_account_id = s.account_id
     where a.id <> t.customer_account_id
     on conflict do nothing`,
    { dealerId },
  );
}

export async function mergeJobs(trx: Knex.Transaction, stages: string[], dealerId: string): Promise<void> {
  if (stages.length === 0) return;
  const union = jobRows(stages, 'job_name, account_id');
  await trx.raw(`create temp table stage_jobs on commit drop as
    select distinct on (job_id) job_id, job_name, account_id from (${union}) u
    order by job_id, (job_name is null), file_order desc, row_number desc`);
  await trx.raw(
    `insert into jobs (dealer_id, customer_account_id, erp_job_id, name)
     select :dealerId, a.id, s.job_id, coalesce(s.job_name, s.job_id) from ${ACCOUNT_JOIN('stage_jobs')}
     on conflict (dealer_id, erp_job_id) do nothing`,
    { dealerId },
  );
  await trx.raw(
    `update jobs j set name = s.job_name, updated_at = now() from stage_jobs s
     where j.dealer_id = :dealerId and j.erp_job_id = s.job_id and s.job_name is not null and j.name <> s.job_name`,
    { dealerId },
  );
  await mergeJobDeliveries(trx, jobRows(stages, 'job_state, first_delivery_date, last_delivery_date'), dealerId);
}

/** The rows of every file that name a job, in upload order, so the latest row can win. */
function jobRows(stages: string[], columns: string): string {
  return stages.map((stage, order) => `select job_id, ${columns}, ${order} as file_order, row_number from ${stage} where job_id is not null`).join(' union all ');
}

/**
 * Every row of a job may carry its delivery dates: the upload's earliest first delivery and
 * latest last delivery win, and the state of its last row that gives one. A file without the
 * columns leaves what the job had; the accounts whose jobs moved are rescored, since the
 * nearest lien deadline is part of the Collection Priority.
 */
async function mergeJobDeliveries(trx: Knex.Transaction, rows: string, dealerId: string): Promise<void> {
  await trx.raw(`create temp table stage_job_deliveries on commit drop as
    select job_id, min(first_delivery_date) as first_delivery_date, max(last_delivery_date) as last_delivery_date,
      (array_agg(job_state order by file_order desc, row_number desc) filter (where job_state is not null))[1] as job_state
    from (${rows}) u group by job_id
    having count(job_state) + count(first_delivery_date) + count(last_delivery_date) > 0`);
  await trx.raw(
    `with moved as (
       update jobs j set state = coalesce(s.job_state, j.state), first_delivery_date = coalesce(s.first_delivery_date, j.first_delivery_date),
         last_delivery_date = coalesce(s.last_delivery_date, j.last_delivery_date), updated_at = now()
       from stage_job_deliveries s
       where j.dealer_id = :dealerId and j.erp_job_id = s.job_id
         and (j.state, j.first_delivery_date, j.last_delivery_date) is distinct from
             (coalesce(s.job_state, j.state), coalesce(s.first_delivery_date, j.first_delivery_date), coalesce(s.last_delivery_date, j.last_delivery_date))
       returning j.customer_account_id)
     insert into ingest_touched (account_id) select distinct customer_account_id from moved on conflict do nothing`,
    { dealerId },
  );
}

async function mergeStatementItems(trx: Knex.Transaction, stage: string, file: IngestionFileRow, dealerId: string): Promise<{ inserted: number; updated: number }> {
  await trx.raw(
    `create temp table ${stage}_resolved on commit drop as
     select s.row_number, s.statement_id as statement_number, s.document_id, st.id as statement_uuid, st.customer_account_id,
       case when s.document_type = 'invoice' then 'invoice' else ad.kind end as item_type,
       i.id as invoice_uuid, ad.id as adjustment_uuid,
       coalesce(s.amount_cents, i.balance_cents, ad.balance_cents) as amount_cents
     from ${stage} s
     left join statements st on st.dealer_id = :dealerId and st.statement_number = s.statement_id
     left join invoices i on s.document_type = 'invoice' and i.dealer_id = :dealerId and i.invoice_number = s.document_id
     left join adjustments ad on s.document_type = 'adjustment' and ad.dealer_id = :dealerId and ad.adjustment_number = s.document_id`,
    { dealerId },
  );
  const resolved = `${stage}_resolved`;
  const missing = await trx.raw(`select statement_number, document_id from ${resolved} where statement_uuid is null or (invoice_uuid is null and adjustment_uuid is null) limit 5`);
  if (missing.rows.length > 0) {
    throw new CommitConflict(`${file.filename} refers to statements or documents that no longer exist in Drypowder (${missing.rows.map((r: { statement_number: string; document_id: string }) => `${r.statement_number}/${r.document_id}`).join(', ')}); nothing was applied.`);
  }
  const same = `si.dealer_id = :dealerId and si.statement_id = r.statement_uuid and (si.invoice_id = r.invoice_uuid or si.adjustment_id = r.adjustment_uuid)`;
  const updated = await trx.raw(
    `update statement_items si set amount_cents = r.amount_cents, item_type = r.item_type from ${resolved} r
     where ${same} and (si.amount_cents, si.item_type) is distinct from (r.amount_cents, r.item_type)`,
    { dealerId },
  );
  const inserted = await trx.raw(
    `insert into statement_items (dealer_id, statement_id, item_type, invoice_id, adjustment_id, amount_cents)
     select :dealerId, r.statement_uuid, r.item_type, r.invoice_uuid, r.adjustment_uuid, r.amount_cents from ${resolved} r
     where not exists (select 1 from statement_items si where ${same})`,
    { dealerId },
  );
  for (const [table, column] of [['invoices', 'invoice_uuid'], ['adjustments', 'adjustment_uuid']] as const) {
    await trx.raw(
      `update ${table} d set statement_id = r.statement_uuid, updated_at = now() from ${resolved} r
       where d.id = r.${column} and d.statement_id is distinct from r.statement_uuid`,
    );
  }
  if ((updated.rowCount ?? 0) + (inserted.rowCount ?? 0) > 0) {
    await trx.raw(`insert into ingest_touched (account_id) select distinct customer_account_id from ${resolved} on conflict do nothing`);
  }
  return { inserted: inserted.rowCount ?? 0, updated: updated.rowCount ?? 0 };
}

export async function mergeFile(trx: Knex.Transaction, stage: string, file: IngestionFileRow, dealerId: string): Promise<{ inserted: number; updated: number }> {
  const accountAndJob = `${ACCOUNT_JOIN(stage)} left join ingest_jobs j on j.erp_job_id = s.job_id`;
  switch (file.data_type) {
    case 'accounts':
      return upsert(trx, file, {
        table: 'customer_accounts', conflict: 'erp_account_id', from: `${stage} s`, accountColumn: 'id',
        targets: [
          { column: 'erp_account_id', value: 's.account_id', insertOnly: true },
          { column: 'name', value: 's.name' },
          { column: 'account_type', value: 's.account_type', from: 'account_type' },
          { column: 'status', value: 's.status', from: 'status' },
          { column: 'credit_limit_cents', value: 's.credit_limit_cents', from: 'credit_limit' },
          { column: 'available_credit_cents', value: 's.available_credit_cents', from: 'available_credit' },
          { column: 'credit_hold', value: 's.credit_hold', from: 'credit_hold' },
          { column: 'credit_hold_reason', value: 's.credit_hold_reason', from: 'credit_hold' },
          { column: 'address_line1', value: 's.address_line1', from: 'address_line1' },
          { column: 'city', value: 's.city', from: 'city' },
          { column: 'state', value: 's.state', from: 'state' },
          { column: 'postal_code', value: 's.postal_code', from: 'postal_code' },
          { column: 'phone', value: 's.phone', from: 'phone' },
          { column: 'deleted_at', value: 'null::timestamptz' },
        ],
      }, dealerId);
    case 'contacts':
      await requireAccounts(trx, stage, file, dealerId);
      return upsert(trx, file, {
        table: 'contacts', conflict: 'erp_contact_id', from: ACCOUNT_JOIN(stage), accountColumn: null,
        targets: [
          { column: 'erp_contact_id', value: 's.contact_id', insertOnly: true },
          { column: 'customer_account_id', value: 'a.id' },
          { column: 'name', value: 's.name' },
          { column: 'email', value: 's.email', from: 'email' },
          { column: 'phone', value: 's.phone', from: 'phone' },
          { column: 'role', value: 's.role', from: 'role' },
          { column: 'is_primary', value: 's.is_primary', from: 'is_primary' },
          { column: 'deleted_at', value: 'null::timestamptz' },
        ],
      }, dealerId);
    case 'statements':
      await requireAccounts(trx, stage, file, dealerId);
      await touchPreviousOwners(trx, stage, 'statements', 'statement_number', 'statement_id', dealerId);
      return upsert(trx, file, {
        table: 'statements', conflict: 'statement_number', from: ACCOUNT_JOIN(stage), accountColumn: 'customer_account_id',
        targets: [
          { column: 'statement_number', value: 's.statement_id', insertOnly: true },
          { column: 'customer_account_id', value: 'a.id' },
          { column: 'statement_date', value: 's.statement_date' },
          { column: 'due_date', value: 's.due_date' },
          { column: 'balance_cents', value: 's.balance_cents' },
          { column: 'discount_cents', value: 's.discount_cents', from: 'discount_amount' },
          { column: 'discount_date', value: 's.discount_date', from: 'discount_date' },
          { column: 'status', value: 's.status', from: 'status' },
        ],
      }, dealerId);
    case 'invoices':
      await requireAccounts(trx, stage, file, dealerId);
      await touchPreviousOwners(trx, stage, 'invoices', 'invoice_number', 'invoice_id', dealerId);
      return upsert(trx, file, {
        table: 'invoices', conflict: 'invoice_number', from: accountAndJob, accountColumn: 'customer_account_id',
        targets: [
          { column: 'invoice_number', value: 's.invoice_id', insertOnly: true },
          { column: 'customer_account_id', value: 'a.id' },
          { column: 'invoice_date', value: 's.invoice_date' },
          { column: 'due_date', value: 's.due_date' },
          { column: 'amount_cents', value: 's.amount_cents' },
          { column: 'balance_cents', value: 's.balance_cents' },
          { column: 'status', value: 's.status' },
          { column: 'po_number', value: 's.po_number', from: 'po_number' },
          { column: 'job_id', value: 'j.id', from: 'job_id' },
          { column: 'terms', value: 's.terms', from: 'terms' },
          { column: 'terms_discount_cents', value: 's.terms_discount_cents', from: TERMS_DISCOUNT_COLUMNS },
          { column: 'terms_discount_date', value: 's.terms_discount_date', from: TERMS_DISCOUNT_COLUMNS },
        ],
      }, dealerId);
    case 'adjustments':
      await requireAccounts(trx, stage, file, dealerId);
      await touchPreviousOwners(trx, stage, 'adjustments', 'adjustment_number', 'adjustment_id', dealerId);
      return upsert(trx, file, {
        table: 'adjustments', conflict: 'adjustment_number', from: accountAndJob, accountColumn: 'customer_account_id',
        targets: [
          { column: 'adjustment_number', value: 's.adjustment_id', insertOnly: true },
          { column: 'customer_account_id', value: 'a.id' },
          { column: 'kind', value: 's.kind' },
          { column: 'reason', value: 's.reason', from: 'reason' },
          { column: 'amount_cents', value: 's.amount_cents' },
          { column: 'balance_cents', value: 's.balance_cents' },
          { column: 'status', value: 's.status' },
          { column: 'transaction_date', value: 's.transaction_date', from: 'transaction_date' },
          { column: 'due_date', value: 's.due_date', from: 'payment_due_date' },
          { column: 'voucher_id', value: 's.voucher_id', from: 'voucher_id' },
          { column: 'applies_to_invoice_number', value: 's.applies_to_invoice_number', from: 'adjustment_invoice_id' },
          { column: 'job_id', value: 'j.id', from: 'job_id' },
          { column: 'description', value: 's.description', from: 'description' },
        ],
      }, dealerId);
    case 'statement_items':
      return mergeStatementItems(trx, stage, file, dealerId);
  }
}
