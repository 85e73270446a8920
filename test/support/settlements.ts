import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/connection';
import type { SpruceEmulator } from '../../emulators/spruce';

/**
 * Settlement fixtures: a Spruce dealer whose tenant lives in an in-process Spruce emulator,
 * a customer's book written both to our database and to the emulator (same document
 * numbers, so GL lines find their documents), and payments inserted already settled with
 * their applications applied — the state the payment workflow leaves them in.
 */

export interface SettlementDealer {
  id: string;
  name: string;
  tenantId: string;
}

export async function createSettlementDealer(db: Db, spruce: SpruceEmulator | null, fields: Record<string, unknown> = {}): Promise<SettlementDealer> {
  const tenantId = `t-${randomUUID().slice(0, 8)}`;
  const apiKey = `key-${randomUUID()}`;
  if (spruce) spruce.store.createTenant({ id: tenantId, name: 'Test tenant', apiKey });
  const suffix = randomUUID().slice(0, 8);
  const [dealer] = await db('dealers').insert({
    name: `Settlement Lumber ${suffix}`,
    slug: `settlement-lumber-${suffix}`,
    integration_mode: spruce ? 'spruce' : 'file',
    time_zone: 'America/Chicago',
    settlement_cutoff: '17:00',
    ...(spruce ? { spruce_base_url: spruce.url, spruce_api_key: apiKey, spruce_tenant_id: tenantId } : {}),
    ...fields,
  }).returning(['id', 'name']);
  return { id: dealer.id, name: dealer.name, tenantId };
}

/** An operator row for actions recorded by the database layer (API tests sign in instead). */
export async function createSettlementOperator(db: Db, dealerId: string): Promise<{ id: string }> {
  const [operator] = await db('operator_users')
    .insert({ dealer_id: dealerId, email: `ar-${randomUUID().slice(0, 8)}@dealer.test`, name: 'Avery Receivables', role: 'ar_operator', status: 'active' })
    .returning('id');
  return operator;
}

export interface BookSpec {
  invoices: Array<{ number: string; amountCents: number; job?: string | null; terms?: { discountCents: number; discountDate: string } }>;
  credits?: Array<{ number: string; amountCents: number; appliesTo?: string | null }>;
  debits?: Array<{ number: string; amountCents: number }>;
  statement?: { number: string; discountCents: number };
}

export interface CustomerBook {
  dealerId: string;
  accountId: string;
  erpAccountId: string;
  companyId: string;
  paymentMethodId: string;
  /** Our row ids by document number. */
  invoiceIds: Map<string, string>;
  adjustmentIds: Map<string, string>;
  statementId: string | null;
}

export async function createCustomerBook(db: Db, spruce: SpruceEmulator | null, dealer: SettlementDealer, spec: BookSpec, label = randomUUID().slice(0, 6)): Promise<CustomerBook> {
  const erpAccountId = `A-${label}`;
  const [account] = await db('customer_accounts').insert({ dealer_id: dealer.id, erp_account_id: erpAccountId, name: `Builder ${label}` }).returning('id');
  const jobNumbers = [...new Set(spec.invoices.map((invoice) => invoice.job).filter((job): job is string => Boolean(job)))];
  const jobIds = new Map<string, string>();
  for (const job of jobNumbers) {
    const [row] = await db('jobs').insert({ dealer_id: dealer.id, customer_account_id: account.id, erp_job_id: job, name: `Job ${job}` }).returning('id');
    jobIds.set(job, row.id);
  }
  let statementId: string | null = null;
  if (spec.statement) {
    const balance = spec.invoices.reduce((sum, invoice) => sum + invoice.amountCents, 0);
    const [statement] = await db('statements').insert({
      dealer_id: dealer.id, customer_account_id: account.id, statement_number: spec.statement.number, statement_date: '2026-10-31',
      balance_cents: balance, discount_cents: spec.statement.discountCents, discount_date: '2026-11-10', due_date: '2026-11-25',
    }).returning('id');
    statementId = statement.id;
  }
  const invoiceIds = new Map<string, string>();
  for (let start = 0; start < spec.invoices.length; start += 1000) {
    const rows = await db('invoices').insert(spec.invoices.slice(start, start + 1000).map((invoice) => ({
      dealer_id: dealer.id, customer_account_id: account.id, job_id: invoice.job ? jobIds.get(invoice.job) : null, statement_id: statementId,
      invoice_number: invoice.number, invoice_date: '2026-10-01', due_date: '2026-11-30', amount_cents: invoice.amountCents, balance_cents: invoice.amountCents,
      terms: invoice.terms ? 'Cash discount' : null, terms_discount_cents: invoice.terms?.discountCents ?? null, terms_discount_date: invoice.terms?.discountDate ?? null,
    }))).returning(['id', 'invoice_number']);
    for (const row of rows) invoiceIds.set(row.invoice_number, row.id);
  }
  const adjustmentIds = new Map<string, string>();
  const adjustments = [
    ...(spec.credits ?? []).map((credit) => ({ kind: 'credit', reason: 'credit', number: credit.number, amountCents: credit.amountCents, appliesTo: credit.appliesTo ?? null })),
    ...(spec.debits ?? []).map((debit) => ({ kind: 'debit', reason: 'charge', number: debit.number, amountCents: debit.amountCents, appliesTo: null })),
  ];
  for (const adjustment of adjustments) {
    const [row] = await db('adjustments').insert({
      dealer_id: dealer.id, customer_account_id: account.id, kind: adjustment.kind, reason: adjustment.reason, adjustment_number: adjustment.number,
      applies_to_invoice_number: adjustment.appliesTo, amount_cents: adjustment.amountCents, balance_cents: adjustment.amountCents,
    }).returning('id');
    adjustmentIds.set(adjustment.number, row.id);
  }
  const [company] = await db('customer_companies').insert({ name: `Contractor ${label}` }).returning('id');
  await db('company_account_links').insert({ company_id: company.id, dealer_id: dealer.id, customer_account_id: account.id });
  const [method] = await db('payment_methods').insert({
    company_id: company.id, kind: 'ach', moov_payment_method_id: `pm-${randomUUID()}`, moov_source_id: `ba-${randomUUID()}`, label: 'Prairie Bank ····0001', last4: '0001',
  }).returning('id');

  if (spruce) {
    spruce.store.loadBook(dealer.tenantId, {
      accounts: [{ id: erpAccountId, name: `Builder ${label}` }],
      jobs: jobNumbers.map((job) => ({ id: job, account_id: erpAccountId, name: `Job ${job}` })),
      invoices: spec.invoices.map((invoice) => ({
        id: invoice.number, account_id: erpAccountId, job_id: invoice.job ?? null, invoice_date: '2026-10-01', due_date: '2026-11-30',
        amount_cents: invoice.amountCents, balance_cents: invoice.amountCents,
        ...(invoice.terms ? { terms: 'Cash discount', discount_cents: invoice.terms.discountCents, discount_date: invoice.terms.discountDate } : {}),
      })),
      adjustments: adjustments.map((adjustment) => ({
        id: adjustment.number, account_id: erpAccountId, kind: adjustment.kind as 'credit' | 'debit', amount_cents: adjustment.amountCents, balance_cents: adjustment.amountCents,
        applies_to_invoice_id: adjustment.appliesTo,
      })),
      statements: spec.statement
        ? [{
          id: spec.statement.number, account_id: erpAccountId, statement_date: '2026-10-31', due_date: '2026-11-25',
          balance_cents: spec.invoices.reduce((sum, invoice) => sum + invoice.amountCents, 0), discount_cents: spec.statement.discountCents, discount_date: '2026-11-10',
        }]
        : [],
    });
  }
  return { dealerId: dealer.id, accountId: account.id, erpAccountId, companyId: company.id, paymentMethodId: method.id, invoiceIds, adjustmentIds, statementId };
}

export type PaymentPart =
  | { kind: 'invoice'; number: string; amountCents: number }
  | { kind: 'debit'; number: string; amountCents: number }
  | { kind: 'credit'; number: string; amountCents: number; appliedTo?: string }
  | { kind: 'discount'; amountCents: number }
  | { kind: 'terms_discount'; number: string; amountCents: number };

export interface SettledPayment {
  id: string;
  number: string;
  amountCents: number;
}

/**
 * A payment as the payment workflow leaves it once cleared: status settled, applications
 * applied. amount = items - credits - discount + fee, as the payments table requires.
 */
export async function createSettledPayment(
  db: Db,
  book: CustomerBook,
  parts: PaymentPart[],
  options: { settledAt?: Date; processingCostCents?: number; feeCents?: number; method?: 'ach' | 'card'; transferId?: string | null } = {},
): Promise<SettledPayment> {
  const sumOf = (kinds: PaymentPart['kind'][]) => parts.filter((part) => kinds.includes(part.kind)).reduce((sum, part) => sum + part.amountCents, 0);
  const items = sumOf(['invoice', 'debit']);
  const credits = sumOf(['credit']);
  const discount = sumOf(['discount', 'terms_discount']);
  const fee = options.feeCents ?? 0;
  const id = randomUUID();
  const { rows } = await db.raw<{ rows: Array<{ n: string }> }>("select 'P-' || nextval('payment_number_seq') as n");
  const number = rows[0]!.n;
  await db('payments').insert({
    id, number, dealer_id: book.dealerId, customer_account_id: book.accountId, company_id: book.companyId, payment_method_id: book.paymentMethodId,
    method: options.method ?? 'ach', status: 'settled', items_cents: items, credits_cents: credits, discount_cents: discount, fee_cents: fee,
    amount_cents: items - credits - discount + fee, processing_cost_cents: options.processingCostCents ?? 0, idempotency_key: `test-${id}`,
    request_hash: 'test', workflow_id: `payment-${id}`, settled_at: options.settledAt ?? new Date(), moov_transfer_id: options.transferId ?? null,
    statement_id: parts.some((part) => part.kind === 'discount') ? book.statementId : null,
  });
  const applications = parts.map((part) => ({
    payment_id: id,
    dealer_id: book.dealerId,
    item_type: part.kind,
    invoice_id: part.kind === 'invoice' || part.kind === 'terms_discount' ? book.invoiceIds.get(part.number) : null,
    adjustment_id: part.kind === 'credit' || part.kind === 'debit' ? book.adjustmentIds.get(part.number) : null,
    statement_id: part.kind === 'discount' ? book.statementId : null,
    applied_to_invoice_id: part.kind === 'credit' && part.appliedTo ? book.invoiceIds.get(part.appliedTo) : null,
    amount_cents: part.amountCents,
    state: 'applied',
  }));
  for (let start = 0; start < applications.length; start += 1000) await db('payment_applications').insert(applications.slice(start, start + 1000));
  return { id, number, amountCents: items - credits - discount + fee };
}
