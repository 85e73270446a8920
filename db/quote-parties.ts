import type { Knex } from 'knex';
import type { Db } from './connection';
import type { FeePayer } from '../domain/fees';
import type { PaymentMethodRow } from './payment-methods';
import { quotableItemQueries, type QuotableItemsRequest } from './outstanding';
import { submissionByKeyQuery } from './payments';
import { reachableAccounts, type LinkedAccount, type PortalSubject } from './portal-scope';

type Executor = Db | Knex.Transaction;

/** The dealer's terms a quote is priced by (fees, partial and over-payments, discount grace, calendar). */
export interface DealerTerms {
  id: string;
  name: string;
  time_zone: string;
  fee_payer: FeePayer;
  ach_fee_cents: number;
  card_credit_rate_bps: number;
  card_debit_rate_bps: number;
  card_flat_fee_cents: number;
  surcharge_forbidden_states: string[] | null;
  allow_partial_payments: boolean;
  allow_overpayment: boolean;
  terms_discount_grace_days: number;
}

/** Everything a quote reads: everyone it involves (null where the subject cannot reach it) and the items it names. */
export interface QuoteParties {
  account: LinkedAccount | null;
  dealer: DealerTerms | null;
  method: PaymentMethodRow | null;
  /** The payer company's approval threshold (null: no approval needed at any amount). */
  approvalThresholdCents: number | null;
  /** The requested items of the requested account (the caller checks the account is the one within reach). */
  invoices: Array<Record<string, any>>;
  adjustments: Array<Record<string, any>>;
  /** What the submission's Idempotency-Key already made, when one was asked about. */
  earlier: { kind: 'payment' | 'approval'; id: string; request_hash: string } | null;
}

const METHOD_TIMESTAMPS = ['relink_required_at', 'created_at', 'updated_at'] as const;

/**
 * The account (through the subject's reach), the dealer, the company's method, the company's
 * approval threshold, the requested items and (for a submission) what its Idempotency-Key
 * already made, in one statement: every preview and submission needs them all, and on a busy
 * machine each round trip costs more than the lookup it carries (docs/performance.md,
 * Capacity). `account` given (a job pay link names it) is not looked up.
 */
export async function quoteParties(
  db: Executor,
  subject: PortalSubject,
  wanted: { customerAccountId: string; dealerId: string; paymentMethodId: string; account?: LinkedAccount; items: QuotableItemsRequest; submissionKey?: string },
): Promise<QuoteParties> {
  const nothing = () => db.raw('select null where false');
  const account = wanted.account
    ? nothing()
    : reachableAccounts(db, subject).where('l.customer_account_id', wanted.customerAccountId).select('a.id', 'a.dealer_id', 'a.name', 'a.erp_account_id', 'a.state').limit(1);
  const items = quotableItemQueries(db, wanted.customerAccountId, wanted.items, subject.jobIds);
  const earlier = wanted.submissionKey === undefined ? nothing() : submissionByKeyQuery(db, subject.companyId, wanted.submissionKey);
  const { rows } = await db.raw(
    `select
       (select row_to_json(found) from (?) found) as account,
       (select json_build_object(
          'id', d.id, 'name', d.name, 'time_zone', d.time_zone, 'fee_payer', d.fee_payer, 'ach_fee_cents', d.ach_fee_cents,
          'card_credit_rate_bps', d.card_credit_rate_bps, 'card_debit_rate_bps', d.card_debit_rate_bps, 'card_flat_fee_cents', d.card_flat_fee_cents,
          'surcharge_forbidden_states', d.surcharge_forbidden_states, 'allow_partial_payments', d.allow_partial_payments,
          'allow_overpayment', d.allow_overpayment, 'terms_discount_grace_days', d.terms_discount_grace_days)
        from dealers d where d.id = ?) as dealer,
       (select row_to_json(m) from payment_methods m where m.id = ? and m.company_id = ?) as method,
       (select c.approval_threshold_cents from customer_companies c where c.id = ?) as approval_threshold_cents,
       (select coalesce(json_agg(i), '[]') from (?) i) as invoices,
       (select coalesce(json_agg(a), '[]') from (?) a) as adjustments,
       (select row_to_json(k) from (?) k) as earlier`,
    [account, wanted.dealerId, wanted.paymentMethodId, subject.companyId, subject.companyId, items.invoices ?? nothing(), items.adjustments ?? nothing(), earlier],
  );
  const row = rows[0] as {
    account: LinkedAccount | null; dealer: DealerTerms | null; method: Record<string, unknown> | null; approval_threshold_cents: string | number | null;
    invoices: Array<Record<string, any>>; adjustments: Array<Record<string, any>>; earlier: QuoteParties['earlier'];
  };
  return {
    account: wanted.account ?? row.account,
    dealer: row.dealer,
    method: row.method ? reviveMethod(row.method) : null,
    approvalThresholdCents: row.approval_threshold_cents === null ? null : Number(row.approval_threshold_cents),
    invoices: row.invoices,
    adjustments: row.adjustments,
    earlier: row.earlier,
  };
}

/** JSON carries timestamps as text; the row type (and every reader of it) has Dates. */
function reviveMethod(raw: Record<string, unknown>): PaymentMethodRow {
  const method = { ...raw };
  for (const column of METHOD_TIMESTAMPS) if (typeof method[column] === 'string') method[column] = new Date(method[column] as string);
  return method as unknown as PaymentMethodRow;
}
