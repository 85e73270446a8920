import type { Knex } from 'knex';
import type { Db } from './connection';
import type { FeePayer } from '../domain/fees';
import type { PaymentMethodRow } from './payment-methods';
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

/** Everyone a quote involves besides its items; null where the subject cannot reach it. */
export interface QuoteParties {
  account: LinkedAccount | null;
  dealer: DealerTerms | null;
  method: PaymentMethodRow | null;
  /** The payer company's approval threshold (null: no approval needed at any amount). */
  approvalThresholdCents: number | null;
}

const METHOD_TIMESTAMPS = ['relink_required_at', 'created_at', 'updated_at'] as const;

/**
 * The account (through the subject's reach), the dealer, the company's method and the
 * company's approval threshold in one statement: every preview and submission needs all four,
 * and on a busy machine each round trip costs more than the lookup it carries
 * (docs/performance.md, Capacity). `account` given (a job pay link names it) is not looked up.
 */
export async function quoteParties(
  db: Executor,
  subject: PortalSubject,
  wanted: { customerAccountId: string; dealerId: string; paymentMethodId: string; account?: LinkedAccount },
): Promise<QuoteParties> {
  const account = wanted.account
    ? db.raw('select null where false')
    : reachableAccounts(db, subject).where('l.customer_account_id', wanted.customerAccountId).select('a.id', 'a.dealer_id', 'a.name', 'a.erp_account_id', 'a.state').limit(1);
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
       (select c.approval_threshold_cents from customer_companies c where c.id = ?) as approval_threshold_cents`,
    [account, wanted.dealerId, wanted.paymentMethodId, subject.companyId, subject.companyId],
  );
  const row = rows[0] as { account: LinkedAccount | null; dealer: DealerTerms | null; method: Record<string, unknown> | null; approval_threshold_cents: string | number | null };
  return {
    account: wanted.account ?? row.account,
    dealer: row.dealer,
    method: row.method ? reviveMethod(row.method) : null,
    approvalThresholdCents: row.approval_threshold_cents === null ? null : Number(row.approval_threshold_cents),
  };
}

/** JSON carries timestamps as text; the row type (and every reader of it) has Dates. */
function reviveMethod(raw: Record<string, unknown>): PaymentMethodRow {
  const method = { ...raw };
  for (const column of METHOD_TIMESTAMPS) if (typeof method[column] === 'string') method[column] = new Date(method[column] as string);
  return method as unknown as PaymentMethodRow;
}
