import type { Db } from '../../db/connection';
import { outstandingGroups, outstandingItemPage, outstandingSlices, type GroupSlice, type LatestStatementRow, type OpenItemRow, type OutstandingGroupRow, type StatementOpenRow } from '../../db/outstanding';
import { bucketFor, daysPastDue, isDiscountAvailable, type AgingBucket } from '../../domain/aging';
import { localDate, type IsoDate } from '../../domain/dates';
import { availableTermsDiscount, lastDiscountDay } from '../../domain/terms-discount';
import { invoiceTerms } from '../../db/receivable-terms';
import {
  FIRST_ANSWER_ITEMS, JOB_PAGE_ITEMS,
  type AccountOutstanding, type ItemType, type JobGroup, type OutstandingItem, type OutstandingItemRow, type StatementSummary, type View,
} from '../../contracts/portal/outstanding';

/**
 * What a customer owes one dealer, as the portal's Outstanding page shows it: per linked
 * account, open items grouped by job. Balances are the same open balances the operator
 * console counts (invoice balance while open or partly paid; adjustment balance while open or
 * partly applied); `payableCents` is what is still free to pay once amounts already in
 * unfinished payments are set aside.
 *
 * Views:
 *   all                everything open
 *   current_statement  the open items the account's latest statement lists (statement_items),
 *                      with its balance, discount and due date
 *   new_charges        open items billed after that statement's date and not on any statement
 */
export type OutstandingView = View;
export type { AccountOutstanding, ItemType, JobGroup, OutstandingItem, OutstandingItemRow, StatementSummary };
export type PastDueAge = NonNullable<OutstandingItem['pastDueAge']>;
type AccountTotals = AccountOutstanding['totals'];

const AGE_LABEL: Record<AgingBucket, PastDueAge | null> = {
  current: null,
  days_1_30: '1-30',
  days_31_60: '30+',
  days_61_90: '60+',
  days_91_plus: '90+',
};

/** The console buckets days past due 1–30, 31–60, 61–90, 91+; the portal names those 30+/60+/90+. */
export function pastDueAge(days: number): PastDueAge | null {
  return AGE_LABEL[bucketFor(days)];
}

type RawItem = OpenItemRow;

function termsDiscountOf(raw: RawItem, today: IsoDate, graceDays: number): OutstandingItem['termsDiscount'] {
  const terms = raw.type === 'invoice' ? invoiceTerms(raw) : null;
  // Another payment holding part of the invoice means it cannot be paid in full now.
  if (!terms || raw.reserved_cents > 0) return null;
  const cents = availableTermsDiscount(terms, raw.balance_cents, today, graceDays);
  return cents > 0 ? { cents, lastDay: lastDiscountDay(terms, graceDays), terms: terms.terms } : null;
}

function toItem(raw: RawItem, today: IsoDate, graceDays: number): OutstandingItem {
  const days = raw.type === 'invoice' && raw.due_date ? Math.max(daysPastDue(raw.due_date, today), 0) : 0;
  return {
    type: raw.type,
    id: raw.id,
    number: raw.number,
    date: raw.date,
    dueDate: raw.due_date,
    amountCents: raw.amount_cents,
    balanceCents: raw.balance_cents,
    reservedCents: raw.reserved_cents,
    payableCents: Math.max(raw.balance_cents - raw.reserved_cents, 0),
    daysPastDue: days,
    pastDueAge: raw.type === 'invoice' ? pastDueAge(days) : null,
    statementId: raw.statement_id,
    poNumber: raw.po_number,
    description: raw.description,
    appliesToInvoiceNumber: raw.applies_to_invoice_number,
    termsDiscount: termsDiscountOf(raw, today, graceDays),
  };
}

const NO_JOB_NAME = 'Not assigned to a job';

function jobGroupOf(row: OutstandingGroupRow): JobGroup {
  return {
    jobId: row.job_id,
    jobName: row.job_id ? row.job_name ?? NO_JOB_NAME : NO_JOB_NAME,
    erpJobId: row.job_id ? row.erp_job_id : null,
    pastDueAge: row.max_days_past_due > 0 ? pastDueAge(row.max_days_past_due) : null,
    maxDaysPastDue: row.max_days_past_due,
    balanceCents: row.balance_cents,
    creditsCents: row.credits_cents,
    netCents: row.balance_cents - row.credits_cents,
    payableCents: row.payable_cents,
    invoiceCount: row.invoice_count,
    debitCount: row.debit_count,
    creditCount: row.credit_count,
    items: [],
    moreItems: row.view_items,
  };
}

/** Oldest debt first; items without a job last. */
function byOldestDebt(a: JobGroup, b: JobGroup): number {
  return Number(a.jobId === null) - Number(b.jobId === null) || b.maxDaysPastDue - a.maxDaysPastDue || a.jobName.localeCompare(b.jobName);
}

function totalsOf(groups: OutstandingGroupRow[]): AccountTotals {
  const totals: AccountTotals = { outstandingCents: 0, pastDueCents: 0, debitsCents: 0, creditsCents: 0, netCents: 0 };
  for (const group of groups) {
    totals.outstandingCents += group.open_invoice_cents;
    totals.pastDueCents += group.past_due_cents;
    totals.debitsCents += group.open_debit_cents;
    totals.creditsCents += group.open_credit_cents;
  }
  totals.netCents = totals.outstandingCents + totals.debitsCents - totals.creditsCents;
  return totals;
}

function statementSummaryOf(statement: LatestStatementRow, open: StatementOpenRow | undefined, today: IsoDate): StatementSummary {
  return {
    id: statement.id,
    number: statement.statement_number,
    statementDate: statement.statement_date,
    status: statement.status,
    balanceCents: statement.balance_cents,
    discountCents: statement.discount_cents,
    discountDate: statement.discount_date,
    dueDate: statement.due_date,
    discountAvailable: isDiscountAvailable({ status: statement.status, discountCents: statement.discount_cents, discountDate: statement.discount_date, dueDate: statement.due_date }, today),
    openCents: open?.open_cents ?? 0,
    itemCount: open?.items ?? 0,
    payableItemCount: open?.payable_items ?? 0,
    reservedItemCount: open?.reserved_items ?? 0,
  };
}

export interface OutstandingInput {
  dealer: { id: string; time_zone: string; terms_discount_grace_days?: number };
  accounts: Array<{ id: string; erp_account_id: string; name: string; available_credit_cents?: string | number | null; credit_hold?: boolean; credit_hold_reason?: 'over_limit' | 'past_due' | 'other' | null; unapplied_credit_cents: number }>;
  view: OutstandingView;
  /** A project manager's jobs (null: every job). */
  jobIds?: string[] | null;
  now?: Date;
}

/**
 * What the Outstanding page shows first: every total, counted by the database, and items up
 * to FIRST_ANSWER_ITEMS per account in display order, a job's first page at most. A customer
 * with a few dozen items gets them all in one answer; one with ten thousand gets kilobytes,
 * and the database reads only the items it sends.
 */
export async function outstandingFor(db: Db, input: OutstandingInput): Promise<{ asOf: IsoDate; accounts: AccountOutstanding[] }> {
  const today = localDate(input.now ?? new Date(), input.dealer.time_zone);
  const accountIds = input.accounts.map((account) => account.id);
  const { groups, statements, statementOpen } = await outstandingGroups(db, accountIds, input.view, today, input.jobIds ?? null);
  const latestStatement = new Map(statements.map((row) => [row.customer_account_id, row]));
  const openOnStatement = new Map(statementOpen.map((row) => [row.customer_account_id, row]));

  const accounts = input.accounts.map((account): AccountOutstanding => {
    const own = groups.filter((group) => group.customer_account_id === account.id);
    const statement = latestStatement.get(account.id);
    return {
      id: account.id,
      erpAccountId: account.erp_account_id,
      name: account.name,
      credit: {
        onHold: account.credit_hold ?? false,
        holdReason: account.credit_hold ? account.credit_hold_reason ?? 'other' : null,
        availableCents: account.available_credit_cents === null || account.available_credit_cents === undefined ? null : Number(account.available_credit_cents),
      },
      totals: totalsOf(own),
      unappliedCreditCents: Number(account.unapplied_credit_cents),
      statement: statement ? statementSummaryOf(statement, openOnStatement.get(account.id), today) : null,
      jobs: own.filter((group) => group.view_items > 0).map(jobGroupOf).sort(byOldestDebt),
    };
  });

  const slices: GroupSlice[] = [];
  for (const account of accounts) {
    let budget = FIRST_ANSWER_ITEMS;
    for (const job of account.jobs) {
      const take = Math.min(job.moreItems, JOB_PAGE_ITEMS, budget);
      slices.push({ accountId: account.id, jobId: job.jobId, skip: 0, take });
      budget -= take;
    }
  }
  const rows = await outstandingSlices(db, accountIds, input.view, today, slices, input.jobIds ?? null);
  const graceDays = input.dealer.terms_discount_grace_days ?? 0;
  for (const account of accounts) {
    for (const job of account.jobs) {
      job.items = rows.filter((row) => row.customer_account_id === account.id && row.job_id === job.jobId).map((row) => toItem(row, today, graceDays));
      job.moreItems -= job.items.length;
    }
  }
  return { asOf: today, accounts };
}

export interface ItemsPageInput extends OutstandingInput {
  accountId?: string;
  /** A job id, or null for the items not assigned to a job; undefined for every job. */
  jobId?: string | null;
  ids?: string[];
  offset: number;
  limit: number;
}

/** A page of the items the Outstanding page lists, in a job's display order, narrowed to an account, a job or chosen ids. */
export async function outstandingItemsFor(db: Db, input: ItemsPageInput): Promise<{ items: OutstandingItemRow[]; total: number; nextOffset: number | null }> {
  const today = localDate(input.now ?? new Date(), input.dealer.time_zone);
  const graceDays = input.dealer.terms_discount_grace_days ?? 0;
  const { rows, total } = await outstandingItemPage(db, input.accounts.map((account) => account.id), input.view, today, input, input.jobIds ?? null);
  const end = input.offset + rows.length;
  return {
    items: rows.map((row) => ({ ...toItem(row, today, graceDays), accountId: row.customer_account_id, jobId: row.job_id })),
    total,
    nextOffset: end < total ? end : null,
  };
}
