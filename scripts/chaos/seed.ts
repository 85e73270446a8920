import { submitCardAsDrop } from '../../emulators/moov/drops-client';
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../api/auth/passwords';
import type { Db } from '../../db/connection';
import { RUN_SECRETS } from '../../bench/lib/run-secrets';
import { createMoovClient } from '../../integrations/moov';
import { dealerProcessorAccount } from '../../services/payment-methods';
import { linkBankAsPortal } from '../../bench/lib/portal-bank-link';
import { Session } from './api-client';
import type { PlannedPayment } from './plan';

/**
 * The chaos run's book: one Spruce dealer (its tenant in the Spruce emulator, so settlements
 * auto-post), one open invoice per planned payment written both to our database and to
 * Spruce under the same number, and customers who signed in to the portal and linked a bank
 * account through Plaid and a card through Moov, as the portal does it.
 */
export interface ChaosBook {
  dealerId: string;
  tenantId: string;
  operator: Session;
  customers: ChaosCustomer[];
  /** Our invoice id and starting balance by invoice number. */
  invoices: Map<string, { id: string; startCents: number }>;
}

export interface ChaosCustomer {
  accountId: string;
  session: Session;
  bankMethodId: string;
  cardMethodId: string;
}

const PASSWORD = 'Chaos-password-2026!';

export async function seedBook(db: Db, urls: { api: string; spruce: string; moov: string; plaid: string }, plan: PlannedPayment[], customerCount: number, runId: string, log: (line: string) => void): Promise<ChaosBook> {
  const tenantId = `chaos-${runId}`;
  const apiKey = `chaos-key-${randomUUID()}`;
  await spruceAdmin(urls.spruce, 'POST', '/admin/tenants', { id: tenantId, name: 'Chaos Lumber', api_key: apiKey });
  const [dealer] = await db('dealers').insert({
    name: 'Chaos Lumber', slug: `chaos-${runId}`, integration_mode: 'spruce', fee_payer: 'dealer', time_zone: 'America/Chicago', settlement_cutoff: '17:00',
    spruce_base_url: urls.spruce, spruce_api_key: apiKey, spruce_tenant_id: tenantId,
  }).returning('id');
  await dealerProcessorAccount(db, createMoovClient({ MOOV_URL: urls.moov, MOOV_PUBLIC_KEY: 'moov-dev-public', MOOV_SECRET_KEY: RUN_SECRETS.MOOV_SECRET_KEY, MOOV_FACILITATOR_ACCOUNT_ID: 'acct_drypowder_facilitator' }), dealer.id);
  const passwordHash = await hashPassword(PASSWORD);
  const operatorEmail = `ops-${runId}@chaos-lumber.test`;
  await db('operator_users').insert({ dealer_id: dealer.id, email: operatorEmail, name: 'Casey Chaos', role: 'admin', status: 'active', password_hash: passwordHash });

  const accounts: Array<{ id: string; erp: string }> = [];
  for (let c = 0; c < customerCount; c++) {
    const erp = `CH-ACCT-${String(c + 1).padStart(4, '0')}`;
    const [account] = await db('customer_accounts').insert({ dealer_id: dealer.id, erp_account_id: erp, name: `Chaos Builder ${c + 1}` }).returning('id');
    accounts.push({ id: account.id, erp });
  }
  const invoices = new Map<string, { id: string; startCents: number }>();
  for (let start = 0; start < plan.length; start += 1000) {
    const rows = await db('invoices').insert(plan.slice(start, start + 1000).map((payment) => ({
      dealer_id: dealer.id, customer_account_id: accounts[payment.customer]!.id, invoice_number: payment.invoiceNumber,
      invoice_date: '2026-10-01', due_date: '2026-11-30', amount_cents: payment.amountCents, balance_cents: payment.amountCents, status: 'open',
    }))).returning(['id', 'invoice_number', 'balance_cents']);
    for (const row of rows) invoices.set(row.invoice_number, { id: row.id, startCents: Number(row.balance_cents) });
  }
  await spruceAdmin(urls.spruce, 'POST', `/admin/tenants/${tenantId}/book`, {
    accounts: accounts.map((account, c) => ({ id: account.erp, name: `Chaos Builder ${c + 1}` })),
    invoices: plan.map((payment) => ({
      id: payment.invoiceNumber, account_id: accounts[payment.customer]!.erp, invoice_date: '2026-10-01', due_date: '2026-11-30',
      amount_cents: payment.amountCents, balance_cents: payment.amountCents,
    })),
  });
  log(`dealer, ${customerCount} customer accounts and ${plan.length} invoices written to the database and to Spruce tenant ${tenantId}`);

  const customers: ChaosCustomer[] = [];
  for (let c = 0; c < customerCount; c++) {
    const [company] = await db('customer_companies').insert({ name: `Chaos Builder ${c + 1} LLC` }).returning('id');
    const email = `ap-${c + 1}-${runId}@chaos-builder.test`;
    await db('portal_users').insert({ company_id: company.id, email, name: 'Pat Payables', password_hash: passwordHash, terms_version: '2026-01', terms_accepted_at: db.fn.now() });
    await db('company_account_links').insert({ company_id: company.id, dealer_id: dealer.id, customer_account_id: accounts[c]!.id });
  }
  const sessions = await Promise.all(Array.from({ length: customerCount }, (_, c) => Session.signIn(urls.api, 'portal', `ap-${c + 1}-${runId}@chaos-builder.test`, PASSWORD)));
  for (let c = 0; c < customerCount; c += 10) {
    customers.push(...(await Promise.all(sessions.slice(c, c + 10).map(async (session, i) => ({
      accountId: accounts[c + i]!.id,
      session,
      bankMethodId: await settingUp(() => linkBankAsPortal((path, body) => session.must(path, body), urls.plaid)),
      cardMethodId: await settingUp(() => linkCard(session, urls.moov)),
    })))));
  }
  log(`${customers.length} customers signed in with a bank account (Plaid) and a card (Moov) linked`);
  const operator = await Session.signIn(urls.api, 'operator', operatorEmail, PASSWORD);
  return { dealerId: dealer.id, tenantId, operator, customers, invoices };
}

/** The portal's card-link Drop: the card straight to Moov with a scoped token, then its id to our API. */
async function linkCard(session: Session, moovUrl: string): Promise<string> {
  const cardSession = await session.must('/api/portal/payment-methods/card-session');
  const response = await submitCardAsDrop(moovUrl, cardSession, { number: '4111111111111111', state: 'IL' });
  if (!response.ok) throw new Error(`card link: HTTP ${response.status} ${await response.text()}`);
  const card = (await response.json()) as { cardID: string };
  return (await session.must('/api/portal/payment-methods/cards', { cardId: card.cardID })).id;
}

export async function spruceAdmin(spruceUrl: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${spruceUrl}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Spruce emulator ${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/**
 * A setup step tried again, as a customer would, when a loaded machine makes a provider call
 * fail once: a run of half an hour should not end before its first payment for that.
 */
async function settingUp<T>(step: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
    }
  }
}
