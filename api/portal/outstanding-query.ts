import type { Db } from '../../db/connection';
import { outstandingRows, type OpenItemRow } from '../../db/outstanding';
import { bucketFor, daysPastDue, isDiscountAvailable, type AgingBucket } from '../../domain/aging';
import { localDate, type IsoDate } from '../../domain/dates';
import { availableTermsDiscount, lastDiscountDay } from '../../domain/terms-discount';
import { invoiceTerms } from '../../db/receivable-terms';

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
export type OutstandingView = 'all' | 'current_statement' | 'new_charges';
export type ItemType = 'invoice' | 'debit' | 'credit';
export type PastDueAge = '1-30' | '30+' | '60+' | '90+';

export interface OutstandingItem {
  type: ItemType;
  id: string;
  number: string;
  date: IsoDate | null;
  dueDate: IsoDate | null;
  amountCents: number;
  balanceCents: number;
  /** Held by payments still in progress. */
  reservedCents: number;
  payableCents: number;
  daysPastDue: number;
  pastDueAge: PastDueAge | null;
  statementId: string | null;
  poNumber: string | null;
  description: string | null;
  appliesToInvoiceNumber: string | null;
  /** The invoice's early-payment discount while it can still be earned by paying it in full now. */
  termsDiscount: { cents: number; lastDay: IsoDate; terms: string | null } | null;
}

export interface JobGroup {
  jobId: string | null;
  jobName: string;
  erpJobId: string | null;
  /** The oldest past-due invoice of the job, as 30+/60+/90+. */
  pastDueAge: PastDueAge | null;
  maxDaysPastDue: number;
  /** Open invoices plus open debit adjustments. */
  balanceCents: number;
  creditsCents: number;
  netCents: number;
  payableCents: number;
  invoiceCount: number;
  debitCount: number;
  creditCount: number;
  items: OutstandingItem[];
}

export interface StatementSummary {
  id: string;
  number: string;
  statementDate: IsoDate;
  status: 'open' | 'paid' | 'closed';
  balanceCents: number;
  discountCents: number;
  discountDate: IsoDate | null;
  dueDate: IsoDate;
  /** True while paying the whole statement from its view still earns the discount. */
  discountAvailable: boolean;
  /** What the statement's items still owe now (invoices + debits − credits). */
  openCents: number;
  itemCount: number;
}

export interface AccountTotals {
  /** Open invoice balances: the console's Outstanding. */
  outstandingCents: number;
  pastDueCents: number;
  debitsCents: number;
  creditsCents: number;
  /** outstanding + debits − credits: the console's net AR for the account. */
  netCents: number;
}

export interface AccountOutstanding {
  id: string;
  erpAccountId: string;
  name: string;
  credit: { onHold: boolean; holdReason: 'over_limit' | 'past_due' | 'other' | null; availableCents: number | null };
  totals: AccountTotals;
  statement: StatementSummary | null;
  jobs: JobGroup[];
}

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

const TYPE_ORDER: Record<ItemType, number> = { invoice: 0, debit: 1, credit: 2 };

function byTypeThenDue(a: OutstandingItem, b: OutstandingItem): number {
  return TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || (a.dueDate ?? a.date ?? '').localeCompare(b.dueDate ?? b.date ?? '') || a.number.localeCompare(b.number);
}

export function groupByJob(items: OutstandingItem[], jobOf: (item: OutstandingItem) => string | null, jobs: Map<string, { name: string; erp_job_id: string }>): JobGroup[] {
  const groups = new Map<string | null, JobGroup>();
  for (const item of items) {
    const jobId = jobOf(item);
    let group = groups.get(jobId);
    if (!group) {
      const job = jobId ? jobs.get(jobId) : undefined;
      group = {
        jobId, jobName: job?.name ?? 'Not assigned to a job', erpJobId: job?.erp_job_id ?? null, pastDueAge: null, maxDaysPastDue: 0,
        balanceCents: 0, creditsCents: 0, netCents: 0, payableCents: 0, invoiceCount: 0, debitCount: 0, creditCount: 0, items: [],
      };
      groups.set(jobId, group);
    }
    group.items.push(item);
    if (item.type === 'credit') {
      group.creditsCents += item.balanceCents;
      group.creditCount += 1;
    } else {
      group.balanceCents += item.balanceCents;
      group.payableCents += item.payableCents;
      if (item.type === 'invoice') group.invoiceCount += 1;
      else group.debitCount += 1;
    }
    if (item.daysPastDue > group.maxDaysPastDue) {
      group.maxDaysPastDue = item.daysPastDue;
      group.pastDueAge = item.pastDueAge;
    }
  }
  const result = [...groups.values()];
  for (const group of result) {
    group.netCents = group.balanceCents - group.creditsCents;
    group.items.sort(byTypeThenDue);
  }
  // Oldest debt first; items without a job last.
  return result.sort((a, b) => Number(a.jobId === null) - Number(b.jobId === null) || b.maxDaysPastDue - a.maxDaysPastDue || a.jobName.localeCompare(b.jobName));
}

function totalsOf(items: OutstandingItem[]): AccountTotals {
  const totals: AccountTotals = { outstandingCents: 0, pastDueCents: 0, debitsCents: 0, creditsCents: 0, netCents: 0 };
  for (const item of items) {
    if (item.type === 'invoice') {
      totals.outstandingCents += item.balanceCents;
      if (item.daysPastDue > 0) totals.pastDueCents += item.balanceCents;
    } else if (item.type === 'debit') totals.debitsCents += item.balanceCents;
    else totals.creditsCents += item.balanceCents;
  }
  totals.netCents = totals.outstandingCents + totals.debitsCents - totals.creditsCents;
  return totals;
}

export interface OutstandingInput {
  dealer: { id: string; time_zone: string; terms_discount_grace_days?: number };
  accounts: Array<{ id: string; erp_account_id: string; name: string; available_credit_cents?: string | number | null; credit_hold?: boolean; credit_hold_reason?: 'over_limit' | 'past_due' | 'other' | null }>;
  view: OutstandingView;
  /** A project manager's jobs (null: every job). */
  jobIds?: string[] | null;
  now?: Date;
}

export async function outstandingFor(db: Db, input: OutstandingInput): Promise<{ asOf: IsoDate; accounts: AccountOutstanding[] }> {
  const today = localDate(input.now ?? new Date(), input.dealer.time_zone);
  const accountIds = input.accounts.map((account) => account.id);
  const { items: rawItems, jobs: jobRows, statements: statementRows, statementItems: statementItemIds } = await outstandingRows(db, accountIds, input.jobIds ?? null);
  const jobs = new Map<string, { name: string; erp_job_id: string }>(jobRows.map((job) => [job.id, job]));
  const latestStatement = new Map<string, Record<string, any>>(statementRows.map((row) => [row.customer_account_id, row]));

  const accounts = input.accounts.map((account): AccountOutstanding => {
    const raws = rawItems.filter((raw) => raw.customer_account_id === account.id);
    const jobOf = new Map(raws.map((raw) => [raw.id, raw.job_id]));
    const all = raws.map((raw) => toItem(raw, today, input.dealer.terms_discount_grace_days ?? 0));
    const statement = latestStatement.get(account.id) ?? null;
    const onStatement = statement ? statementItemIds.get(statement.id) ?? new Set<string>() : new Set<string>();
    // statement_items is the statement's own list, the same one payment submission checks the
    // discount against, so "Pay full statement" pays exactly what earns the discount.
    const isOnStatement = (item: OutstandingItem) => onStatement.has(item.id);

    let visible = all;
    if (input.view === 'current_statement') visible = statement ? all.filter(isOnStatement) : [];
    if (input.view === 'new_charges') {
      visible = all.filter((item) => item.statementId === null && !isOnStatement(item) && (!statement || item.date === null || item.date > statement.statement_date));
    }

    let summary: StatementSummary | null = null;
    if (statement) {
      const statementItems = all.filter(isOnStatement);
      summary = {
        id: statement.id,
        number: statement.statement_number,
        statementDate: statement.statement_date,
        status: statement.status,
        balanceCents: statement.balance_cents,
        discountCents: statement.discount_cents,
        discountDate: statement.discount_date,
        dueDate: statement.due_date,
        discountAvailable: isDiscountAvailable({ status: statement.status, discountCents: statement.discount_cents, discountDate: statement.discount_date, dueDate: statement.due_date }, today),
        openCents: statementItems.reduce((sum, item) => sum + (item.type === 'credit' ? -item.balanceCents : item.balanceCents), 0),
        itemCount: statementItems.length,
      };
    }
    return {
      id: account.id,
      erpAccountId: account.erp_account_id,
      name: account.name,
      credit: {
        onHold: account.credit_hold ?? false,
        holdReason: account.credit_hold ? account.credit_hold_reason ?? 'other' : null,
        availableCents: account.available_credit_cents === null || account.available_credit_cents === undefined ? null : Number(account.available_credit_cents),
      },
      totals: totalsOf(all),
      statement: summary,
      jobs: groupByJob(visible, (item) => jobOf.get(item.id) ?? null, jobs),
    };
  });
  return { asOf: today, accounts };
}
