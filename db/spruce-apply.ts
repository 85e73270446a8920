import type { Knex } from 'knex';
import { flagPaidElsewhere } from './account-credits';
import { normalizeState } from '../domain/lien-deadlines';
import type { SpruceChange, SpruceInvoice } from '../integrations/spruce';

/**
 * Applies Spruce change-feed entries to the dealer's receivables tables as set-based upserts:
 * one statement per object type for a whole page, not one per row, so loading a book of
 * thousands of objects takes a handful of round trips.
 *
 * Every row keeps the feed sequence that last wrote it (`erp_seq`), and each upsert only
 * overwrites when the incoming sequence is newer (`where excluded.erp_seq > t.erp_seq`), so a
 * replayed or out-of-order change can never regress newer data. Deletes are tombstones
 * carrying the object's last state: accounts and contacts get `deleted_at`, invoices and
 * adjustments become void, jobs and statements closed; rows stay for payment history.
 */

type Trx = Knex | Knex.Transaction;

export interface ApplyResult {
  /** Customer account ids (uuid) whose receivables changed; their statistics need a refresh. */
  touchedAccountIds: string[];
  /** Rows written (inserted or updated). */
  written: number;
  /** Changes whose account (or, for statement items, document) is unknown here. */
  unresolved: Array<{ object: string; id: string }>;
  /** Newest change time among the applied changes. */
  lastOccurredAt: string | null;
}

const TYPE_ORDER = ['account', 'job', 'contact', 'invoice', 'adjustment', 'statement'] as const;

/** Keeps only the newest change per object: one upsert statement may not touch a row twice. */
export function newestPerObject(changes: SpruceChange[]): SpruceChange[] {
  const newest = new Map<string, SpruceChange>();
  for (const change of changes) {
    const key = `${change.object}:${change.id}`;
    const seen = newest.get(key);
    if (!seen || seen.seq < change.seq) newest.set(key, change);
  }
  return [...newest.values()];
}

export interface ApplyOptions {
  /**
   * A resync replays the feed from 0: the same version of a row is then written again, which
   * repairs anything that drifted locally. Older versions are still never written.
   */
  replay?: boolean;
}

export async function applySpruceChanges(trx: Trx, dealerId: string, changes: SpruceChange[], options: ApplyOptions = {}): Promise<ApplyResult> {
  const result: ApplyResult = { touchedAccountIds: [], written: 0, unresolved: [], lastOccurredAt: null };
  const touched = new Set<string>();
  const byType = new Map<string, SpruceChange[]>();
  for (const change of newestPerObject(changes)) {
    byType.set(change.object, [...(byType.get(change.object) ?? []), change]);
    if (!result.lastOccurredAt || change.occurred_at > result.lastOccurredAt) result.lastOccurredAt = change.occurred_at;
  }
  for (const type of TYPE_ORDER) {
    const batch = byType.get(type);
    if (!batch?.length) continue;
    const outcome = await UPSERTS[type](trx, dealerId, batch as never, options.replay ?? false);
    result.written += outcome.written;
    for (const id of outcome.accounts) touched.add(id);
    result.unresolved.push(...outcome.unresolved.map((id) => ({ object: type, id })));
  }
  result.touchedAccountIds = [...touched];
  const invoices = byType.get('invoice');
  if (invoices?.length) {
    // A balance Spruce lowered under a payment still in flight (a check at the counter): flag it now (docs/unapplied-credit.md).
    const ids = await trx('invoices').where({ dealer_id: dealerId }).whereIn('invoice_number', invoices.map((change) => change.id)).pluck('id');
    await flagPaidElsewhere(trx, dealerId, ids);
  }
  return result;
}

interface UpsertOutcome {
  written: number;
  accounts: string[];
  unresolved: string[];
  statements?: Array<{ id: string; statement_number: string }>;
}

type ChangeOf<T extends SpruceChange['object']> = Extract<SpruceChange, { object: T }>;

const isDelete = (change: SpruceChange) => change.action === 'delete';

/**
 * Runs `insert ... select from jsonb_to_recordset(rows)` for one type: `inputSql` resolves
 * ERP ids to our uuids (unknown accounts come out null and are reported, not inserted) and
 * `upsertSql` writes with the sequence guard, returning the touched account per row.
 */
async function runUpsert(trx: Trx, dealerId: string, rows: object[], sql: string, replay: boolean): Promise<UpsertOutcome> {
  const { rows: out } = await trx.raw(sql, { dealerId, rows: JSON.stringify(rows), replay });
  const row = out[0] as { written: number; accounts: string[] | null; unresolved: string[] | null; statements?: Array<{ id: string; statement_number: string }> | null };
  return { written: row.written, accounts: row.accounts ?? [], unresolved: row.unresolved ?? [], statements: row.statements ?? [] };
}

const SUMMARY = (table: string, accountColumn: string) => `
  select (select count(*)::int from upserted) as written,
         (select array_agg(distinct ${accountColumn}) from upserted) as accounts,
         (select array_agg(erp_id) from input where account_uuid is null) as unresolved
  ${table === 'statements' ? ", (select json_agg(json_build_object('id', id, 'statement_number', statement_number)) from upserted) as statements" : ''}`;

const ACCOUNT_SQL = `
  with input as (
    select r.*, 'n/a'::text as account_uuid
    from jsonb_to_recordset(:rows::jsonb) as r(erp_id text, name text, account_type text, status text, credit_limit_cents int8,
      available_credit_cents int8, credit_hold boolean, credit_hold_reason text,
      address_line1 text, city text, state text, postal_code text, phone text, seq int8, deleted_at timestamptz)
  ), upserted as (
    insert into customer_accounts as t (dealer_id, erp_account_id, name, account_type, status, credit_limit_cents,
      available_credit_cents, credit_hold, credit_hold_reason, credit_hold_changed_at, address_line1, city, state, postal_code, phone, erp_seq, deleted_at)
    select :dealerId, erp_id, name, account_type, status, credit_limit_cents,
      available_credit_cents, coalesce(credit_hold, false), credit_hold_reason, case when credit_hold then now() end, address_line1, city, state, postal_code, phone, seq, deleted_at
    from input
    on conflict (dealer_id, erp_account_id) do update set
      name = excluded.name, account_type = excluded.account_type, status = excluded.status,
      credit_limit_cents = excluded.credit_limit_cents, available_credit_cents = excluded.available_credit_cents,
      credit_hold = excluded.credit_hold, credit_hold_reason = excluded.credit_hold_reason,
      credit_hold_changed_at = case when excluded.credit_hold is distinct from t.credit_hold then now() else t.credit_hold_changed_at end,
      address_line1 = excluded.address_line1, city = excluded.city,
      state = excluded.state, postal_code = excluded.postal_code, phone = excluded.phone,
      erp_seq = excluded.erp_seq, deleted_at = excluded.deleted_at, updated_at = now()
    where excluded.erp_seq > t.erp_seq or (:replay and excluded.erp_seq = t.erp_seq)
    returning t.id
  )
  ${SUMMARY('customer_accounts', 'id')}`;

const CONTACT_SQL = `
  with input as (
    select r.*, a.id as account_uuid
    from jsonb_to_recordset(:rows::jsonb) as r(erp_id text, account_id text, name text, email text, phone text, role text,
      is_primary boolean, seq int8, deleted_at timestamptz)
    left join customer_accounts a on a.dealer_id = :dealerId and a.erp_account_id = r.account_id
  ), upserted as (
    insert into contacts as t (dealer_id, customer_account_id, erp_contact_id, name, email, phone, role, is_primary, erp_seq, deleted_at)
    select :dealerId, account_uuid, erp_id, name, email, phone, role, is_primary, seq, deleted_at
    from input where account_uuid is not null
    on conflict (dealer_id, erp_contact_id) do update set
      customer_account_id = excluded.customer_account_id, name = excluded.name, email = excluded.email, phone = excluded.phone,
      role = excluded.role, is_primary = excluded.is_primary, erp_seq = excluded.erp_seq, deleted_at = excluded.deleted_at, updated_at = now()
    where excluded.erp_seq > t.erp_seq or (:replay and excluded.erp_seq = t.erp_seq)
    returning t.customer_account_id
  )
  ${SUMMARY('contacts', 'customer_account_id')}`;

const JOB_SQL = `
  with input as (
    select r.*, a.id as account_uuid
    from jsonb_to_recordset(:rows::jsonb) as r(erp_id text, account_id text, name text, status text, state text,
      first_delivery_date date, last_delivery_date date, seq int8)
    left join customer_accounts a on a.dealer_id = :dealerId and a.erp_account_id = r.account_id
  ), upserted as (
    insert into jobs as t (dealer_id, customer_account_id, erp_job_id, name, status, state, first_delivery_date, last_delivery_date, erp_seq)
    select :dealerId, account_uuid, erp_id, name, status, state, first_delivery_date, last_delivery_date, seq
    from input where account_uuid is not null
    on conflict (dealer_id, erp_job_id) do update set
      customer_account_id = excluded.customer_account_id, name = excluded.name, status = excluded.status,
      state = excluded.state, first_delivery_date = excluded.first_delivery_date, last_delivery_date = excluded.last_delivery_date,
      erp_seq = excluded.erp_seq, updated_at = now()
    where excluded.erp_seq > t.erp_seq or (:replay and excluded.erp_seq = t.erp_seq)
    returning t.customer_account_id
  )
  ${SUMMARY('jobs', 'customer_account_id')}`;

const INVOICE_SQL = `
  with input as (
    select r.*, a.id as account_uuid, j.id as job_uuid
    from jsonb_to_recordset(:rows::jsonb) as r(erp_id text, account_id text, job_id text, invoice_date date, due_date date,
      amount_cents int8, balance_cents int8, status text, po_number text, terms text, terms_discount_cents int8, terms_discount_date date, seq int8)
    left join customer_accounts a on a.dealer_id = :dealerId and a.erp_account_id = r.account_id
    left join jobs j on j.dealer_id = :dealerId and j.erp_job_id = r.job_id
  ), upserted as (
    insert into invoices as t (dealer_id, customer_account_id, job_id, invoice_number, invoice_date, due_date,
      amount_cents, balance_cents, status, po_number, terms, terms_discount_cents, terms_discount_date, erp_seq)
    select :dealerId, account_uuid, job_uuid, erp_id, invoice_date, due_date, amount_cents, balance_cents, status, po_number,
      terms, terms_discount_cents, terms_discount_date, seq
    from input where account_uuid is not null
    on conflict (dealer_id, invoice_number) do update set
      customer_account_id = excluded.customer_account_id, job_id = excluded.job_id, invoice_date = excluded.invoice_date,
      due_date = excluded.due_date, amount_cents = excluded.amount_cents, balance_cents = excluded.balance_cents,
      status = excluded.status, po_number = excluded.po_number, terms = excluded.terms,
      terms_discount_cents = excluded.terms_discount_cents, terms_discount_date = excluded.terms_discount_date,
      erp_seq = excluded.erp_seq, updated_at = now()
    where excluded.erp_seq > t.erp_seq or (:replay and excluded.erp_seq = t.erp_seq)
    returning t.customer_account_id
  )
  ${SUMMARY('invoices', 'customer_account_id')}`;

/**
 * The terms discount still to be earned, as the statements keep theirs: what Spruce recorded
 * as taken is gone, so a payment cannot earn it twice. A discount that does not hold together
 * (no last day, not below the invoice amount) is not offered, and the invoice still syncs.
 */
export function termsDiscountLeft(invoice: Pick<SpruceInvoice, 'amount_cents' | 'discount_cents' | 'discount_date' | 'discount_taken_cents'>): {
  terms_discount_cents: number | null; terms_discount_date: string | null;
} {
  const { amount_cents: amount, discount_cents: discount, discount_date: date, discount_taken_cents: taken } = invoice;
  const left = discount === null ? 0 : discount - Math.max(0, taken);
  if (discount === null || date === null || discount >= amount || left <= 0) return { terms_discount_cents: null, terms_discount_date: null };
  return { terms_discount_cents: left, terms_discount_date: date };
}

const ADJUSTMENT_SQL = `
  with input as (
    select r.*, a.id as account_uuid, j.id as job_uuid
    from jsonb_to_recordset(:rows::jsonb) as r(erp_id text, account_id text, job_id text, kind text, reason text, voucher_id text,
      applies_to_invoice_id text, currency text, transaction_date date, due_date date, amount_cents int8, balance_cents int8,
      status text, description text, seq int8)
    left join customer_accounts a on a.dealer_id = :dealerId and a.erp_account_id = r.account_id
    left join jobs j on j.dealer_id = :dealerId and j.erp_job_id = r.job_id
  ), upserted as (
    insert into adjustments as t (dealer_id, customer_account_id, job_id, kind, reason, adjustment_number, voucher_id,
      applies_to_invoice_number, currency, transaction_date, due_date, amount_cents, balance_cents, status, description, erp_seq)
    select :dealerId, account_uuid, job_uuid, kind, reason, erp_id, voucher_id, applies_to_invoice_id, currency, transaction_date,
      due_date, amount_cents, balance_cents, status, description, seq
    from input where account_uuid is not null
    on conflict (dealer_id, adjustment_number) do update set
      customer_account_id = excluded.customer_account_id, job_id = excluded.job_id, kind = excluded.kind, reason = excluded.reason,
      voucher_id = excluded.voucher_id, applies_to_invoice_number = excluded.applies_to_invoice_number, currency = excluded.currency,
      transaction_date = excluded.transaction_date, due_date = excluded.due_date, amount_cents = excluded.amount_cents,
      balance_cents = excluded.balance_cents, status = excluded.status, description = excluded.description,
      erp_seq = excluded.erp_seq, updated_at = now()
    where excluded.erp_seq > t.erp_seq or (:replay and excluded.erp_seq = t.erp_seq)
    returning t.customer_account_id
  )
  ${SUMMARY('adjustments', 'customer_account_id')}`;

// The discount kept is what is still available: a discount Spruce recorded as taken is gone.
const STATEMENT_SQL = `
  with input as (
    select r.*, a.id as account_uuid
    from jsonb_to_recordset(:rows::jsonb) as r(erp_id text, account_id text, statement_date date, due_date date,
      balance_cents int8, discount_cents int8, discount_date date, status text, seq int8)
    left join customer_accounts a on a.dealer_id = :dealerId and a.erp_account_id = r.account_id
  ), upserted as (
    insert into statements as t (dealer_id, customer_account_id, statement_number, statement_date, balance_cents,
      discount_cents, discount_date, due_date, status, erp_seq)
    select :dealerId, account_uuid, erp_id, statement_date, balance_cents, discount_cents, discount_date, due_date, status, seq
    from input where account_uuid is not null
    on conflict (dealer_id, statement_number) do update set
      customer_account_id = excluded.customer_account_id, statement_date = excluded.statement_date,
      balance_cents = excluded.balance_cents, discount_cents = excluded.discount_cents, discount_date = excluded.discount_date,
      due_date = excluded.due_date, status = excluded.status, erp_seq = excluded.erp_seq, updated_at = now()
    where excluded.erp_seq > t.erp_seq or (:replay and excluded.erp_seq = t.erp_seq)
    returning t.customer_account_id, t.id, t.statement_number
  )
  ${SUMMARY('statements', 'customer_account_id')}`;

/**
 * Rebuilds the items of the statements just written and points their documents at them
 * (a document rolled onto a newer statement follows the newer one).
 */
const STATEMENT_ITEMS_SQL = `
  with input as (
    select s.id as statement_id, s.statement_date, r.item_type, r.document_id, r.amount_cents,
      i.id as invoice_id, adj.id as adjustment_id
    from jsonb_to_recordset(:items::jsonb) as r(statement_number text, item_type text, document_id text, amount_cents int8)
    join statements s on s.dealer_id = :dealerId and s.statement_number = r.statement_number
    left join invoices i on r.item_type = 'invoice' and i.dealer_id = :dealerId and i.invoice_number = r.document_id
    left join adjustments adj on r.item_type <> 'invoice' and adj.dealer_id = :dealerId and adj.adjustment_number = r.document_id
  ), cleared as (
    delete from statement_items where statement_id = any(:statementIds::uuid[])
  ), inserted as (
    insert into statement_items (dealer_id, statement_id, item_type, invoice_id, adjustment_id, amount_cents)
    select :dealerId, statement_id, item_type, invoice_id, adjustment_id, amount_cents
    from input where invoice_id is not null or adjustment_id is not null
    returning 1
  ), linked_invoices as (
    update invoices t set statement_id = x.statement_id
    from input x
    where t.id = x.invoice_id and t.statement_id is distinct from x.statement_id
      and (t.statement_id is null or (select statement_date from statements where id = t.statement_id) <= x.statement_date)
    returning 1
  ), linked_adjustments as (
    update adjustments t set statement_id = x.statement_id
    from input x
    where t.id = x.adjustment_id and t.statement_id is distinct from x.statement_id
      and (t.statement_id is null or (select statement_date from statements where id = t.statement_id) <= x.statement_date)
    returning 1
  )
  select (select count(*)::int from inserted) as items,
         (select array_agg(document_id) from input where invoice_id is null and adjustment_id is null) as unresolved,
         (select count(*) from linked_invoices) + (select count(*) from linked_adjustments) as linked`;

const deletedAt = (change: SpruceChange) => (isDelete(change) ? change.occurred_at : null);

const UPSERTS: { [T in (typeof TYPE_ORDER)[number]]: (trx: Trx, dealerId: string, changes: Array<ChangeOf<T>>, replay: boolean) => Promise<UpsertOutcome> } = {
  account: (trx, dealerId, changes, replay) =>
    runUpsert(
      trx,
      dealerId,
      changes.map((c) => ({
        erp_id: c.id, name: c.data.name, account_type: c.data.account_type, status: c.data.status, credit_limit_cents: c.data.credit_limit_cents,
        available_credit_cents: c.data.available_credit_cents, credit_hold: c.data.credit_hold, credit_hold_reason: c.data.credit_hold ? c.data.credit_hold_reason ?? 'other' : null,
        address_line1: c.data.address_line1, city: c.data.city, state: c.data.state, postal_code: c.data.postal_code, phone: c.data.phone,
        seq: c.seq, deleted_at: deletedAt(c),
      })),
      ACCOUNT_SQL,
      replay,
    ).then((outcome) => ({ ...outcome, unresolved: [] })),
  contact: (trx, dealerId, changes, replay) =>
    runUpsert(
      trx,
      dealerId,
      changes.map((c) => ({
        erp_id: c.id, account_id: c.data.account_id, name: c.data.name, email: c.data.email, phone: c.data.phone, role: c.data.role,
        is_primary: c.data.is_primary, seq: c.seq, deleted_at: deletedAt(c),
      })),
      CONTACT_SQL,
      replay,
    ),
  job: (trx, dealerId, changes, replay) =>
    runUpsert(
      trx,
      dealerId,
      changes.map((c) => ({
        erp_id: c.id, account_id: c.data.account_id, name: c.data.name, status: isDelete(c) ? 'closed' : c.data.status,
        state: normalizeState(c.data.state), first_delivery_date: c.data.first_delivery_date, last_delivery_date: c.data.last_delivery_date, seq: c.seq,
      })),
      JOB_SQL,
      replay,
    ),
  invoice: (trx, dealerId, changes, replay) =>
    runUpsert(
      trx,
      dealerId,
      changes.map((c) => ({
        erp_id: c.id, account_id: c.data.account_id, job_id: c.data.job_id, invoice_date: c.data.invoice_date, due_date: c.data.due_date,
        amount_cents: c.data.amount_cents, balance_cents: c.data.balance_cents, status: isDelete(c) ? 'void' : c.data.status,
        po_number: c.data.po_number, terms: c.data.terms, ...termsDiscountLeft(c.data), seq: c.seq,
      })),
      INVOICE_SQL,
      replay,
    ),
  adjustment: (trx, dealerId, changes, replay) =>
    runUpsert(
      trx,
      dealerId,
      changes.map((c) => ({
        erp_id: c.id, account_id: c.data.account_id, job_id: c.data.job_id, kind: c.data.kind, reason: c.data.reason, voucher_id: c.data.voucher_id,
        applies_to_invoice_id: c.data.applies_to_invoice_id, currency: c.data.currency, transaction_date: c.data.transaction_date,
        due_date: c.data.due_date, amount_cents: c.data.amount_cents, balance_cents: c.data.balance_cents,
        status: isDelete(c) ? 'void' : c.data.status, description: c.data.description, seq: c.seq,
      })),
      ADJUSTMENT_SQL,
      replay,
    ),
  statement: async (trx, dealerId, changes, replay) => {
    const outcome = await runUpsert(
      trx,
      dealerId,
      changes.map((c) => ({
        erp_id: c.id, account_id: c.data.account_id, statement_date: c.data.statement_date, due_date: c.data.due_date,
        balance_cents: c.data.balance_cents, discount_cents: Math.max(0, c.data.discount_cents - c.data.discount_taken_cents),
        discount_date: c.data.discount_date, status: isDelete(c) ? 'closed' : c.data.status, seq: c.seq,
      })),
      STATEMENT_SQL,
      replay,
    );
    const written = new Set((outcome.statements ?? []).map((s) => s.statement_number));
    const items = changes
      .filter((c) => written.has(c.id) && !isDelete(c))
      .flatMap((c) => c.data.items.map((item) => ({ statement_number: c.id, ...item })));
    const statementIds = (outcome.statements ?? []).map((s) => s.id);
    if (statementIds.length > 0) {
      const { rows } = await trx.raw(STATEMENT_ITEMS_SQL, { dealerId, items: JSON.stringify(items), statementIds });
      const unresolvedItems = (rows[0] as { unresolved: string[] | null }).unresolved ?? [];
      outcome.unresolved.push(...unresolvedItems.map((documentId) => `item ${documentId}`));
    }
    return outcome;
  },
};
