import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../api/auth/passwords';
import type { Db } from '../../db/connection';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../../domain/ach-authorization';
import { createMoovClient } from '../../integrations/moov';
import { dealerProcessorAccount } from '../../services/payment-methods';
import { createBenchDatabase, type BenchEnv, type Stoppable } from './infra';
import { startPaymentEmulatorsProcess, type PaymentEmulatorsProcess } from './payment-emulators';
import { linkBankAsPortal } from './portal-bank-link';
import { BENCH_PASSWORD, createBenchDealer, seedAccounts, seedInvoices } from './receivables-seed';
import { RUN_SECRETS } from './run-secrets';
import { freePort, signIn, startProduct, type RunningProduct } from './services';

/**
 * What the mixed-load runs (bench/load.ts, bench/capacity.ts) share: the product on its own
 * database with the Moov and Plaid emulators, a dealer's book, portal customers signed in with
 * a bank account linked through Plaid, signed-in operators, and the requests a portal visit and
 * a console user make, each timed and checked for its expected status.
 */
export type Group = 'portal_browse' | 'portal_quote' | 'portal_pay' | 'portal_history' | 'operator_customers' | 'operator_payments';

export interface Sample {
  group: Group;
  ms: number;
  ok: boolean;
  at: number;
}

export interface Failure {
  group: Group;
  route: string;
  status: number;
  body: string;
}

export interface PortalUser {
  accountId: string;
  cookie: string;
  csrfToken: string;
  methodId: string;
  invoices: string[];
  paymentIds: string[];
}

export interface LoadStackOptions {
  users: number;
  operators: number;
  /** Open invoices each portal customer starts with: at least one per payment they will make. */
  invoicesPerUser: number;
  /** Accounts in the dealer's book besides the portal customers' (what the console lists). */
  accounts: number;
}

export interface LoadStack {
  apiUrl: string;
  dealerId: string;
  portalUsers: PortalUser[];
  operatorSessions: Array<{ cookie: string; csrfToken: string }>;
  product: RunningProduct;
  emulators: PaymentEmulatorsProcess;
  stop(): Promise<void>;
}

const WEBHOOK_SECRET = 'load-moov-webhook-secret-0123456789';

export async function startLoadStack(env: BenchEnv, label: string, options: LoadStackOptions): Promise<LoadStack> {
  const say = env.log;
  if (!env.temporalAddress) throw new Error('a load run needs a Temporal server (payments start workflows)');
  const stops: Stoppable[] = [];
  const stop = async () => {
    for (const item of stops.reverse()) await item.stop().catch((error: Error) => say(`cleanup: ${error.message}`));
  };
  try {
    const database = await createBenchDatabase(env.adminUrl, label, { max: 10 });
    stops.push(database);
    const { db } = database;
    const apiPort = await freePort();
    const emulators = await startPaymentEmulatorsProcess({ webhookUrl: `http://127.0.0.1:${apiPort}/webhooks/moov`, webhookSecret: WEBHOOK_SECRET, label });
    stops.push(emulators);
    const product = await startProduct({
      label, databaseUrl: database.url, temporalAddress: env.temporalAddress, workflowBundlePath: env.workflowBundlePath, apiPort,
      env: {
        MOOV_URL: emulators.moovUrl, PLAID_URL: emulators.plaidUrl, MOOV_WEBHOOK_SECRET: WEBHOOK_SECRET, SMTP_URL: emulators.smtpUrl,
        // Every user signs in from 127.0.0.1; the product default (30 per 15 minutes) stays as it is.
        AUTH_RATE_LIMIT_PER_IP: String((options.users + options.operators) * 2 + 50),
      },
    });
    stops.push(product);
    say(`API ${product.apiUrl} (logs: ${[...product.logs, emulators.log].join(', ')})`);

    const seedStarted = Date.now();
    const slug = `${label}-${process.pid}-${Date.now().toString(36)}`;
    const dealerId = await createBenchDealer(db, slug, { integration_mode: 'file', fee_payer: 'dealer' });
    await dealerProcessorAccount(db, createMoovClient({ MOOV_URL: emulators.moovUrl, MOOV_PUBLIC_KEY: 'moov-dev-public', MOOV_SECRET_KEY: RUN_SECRETS.MOOV_SECRET_KEY, MOOV_FACILITATOR_ACCOUNT_ID: 'acct_drypowder_facilitator' }), dealerId);
    await seedAccounts(db, dealerId, options.accounts);
    await seedInvoices(db, dealerId, 10);
    const users = await seedPortalUsers(db, dealerId, options.users, options.invoicesPerUser, slug);
    const operatorEmails = await seedOperators(db, dealerId, options.operators, slug);
    const { refreshDealerAccountStats } = await import('../../db/account-stats');
    await refreshDealerAccountStats(db, dealerId, new Date());
    await db.raw('vacuum analyze');
    say(`book: ${options.accounts} accounts with 10 invoices each, ${options.users} portal customers with ${options.invoicesPerUser} open invoices each, ${options.operators} operators (${((Date.now() - seedStarted) / 1000).toFixed(1)} s)`);

    const signInStarted = Date.now();
    const apiUrl = product.apiUrl;
    const portalUsers: PortalUser[] = [];
    for (let i = 0; i < users.length; i += 20) {
      portalUsers.push(...(await Promise.all(users.slice(i, i + 20).map(async (user) => {
        const session = await signIn(apiUrl, 'portal', user.email, BENCH_PASSWORD);
        return { accountId: user.accountId, ...session, methodId: await linkBankAsPortal(portalPoster(apiUrl, session), emulators.plaidUrl), invoices: user.invoices, paymentIds: [] };
      }))));
    }
    const operatorSessions = await Promise.all(operatorEmails.map((email) => signIn(apiUrl, 'operator', email, BENCH_PASSWORD)));
    say(`${portalUsers.length} customers signed in with a bank account linked, ${operatorSessions.length} operators signed in (${((Date.now() - signInStarted) / 1000).toFixed(1)} s)`);
    return { apiUrl, dealerId, portalUsers, operatorSessions, product, emulators, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One planned request: which route group it counts towards and what answers mean success. */
export interface PlannedRequest {
  group: Group;
  route: string;
  url: string;
  init: RequestInit;
  expect: number[];
  /** Called with the parsed answer of a successful request (a payment remembers its id). */
  then?: (answer: any) => void;
}

/** Times requests against the API; only those sent while `measuring` is on are kept. */
export class Recorder {
  readonly samples: Sample[] = [];
  readonly failures: Failure[] = [];
  measuring = false;

  constructor(private readonly apiUrl: string) {}

  async send(planned: PlannedRequest): Promise<void> {
    const started = performance.now();
    let status = 0;
    let text = '';
    try {
      const response = await fetch(`${this.apiUrl}${planned.url}`, { ...planned.init, signal: AbortSignal.timeout(30_000) });
      status = response.status;
      text = await response.text();
    } catch (error) {
      text = error instanceof Error ? error.message : String(error);
    }
    const ms = performance.now() - started;
    const ok = planned.expect.includes(status);
    if (this.measuring) {
      this.samples.push({ group: planned.group, ms, ok, at: Date.now() });
      if (!ok) this.failures.push({ group: planned.group, route: planned.route, status, body: text.slice(0, 300) });
    }
    if (ok && planned.then) planned.then(text ? JSON.parse(text) : null);
  }
}

/**
 * A portal visit, request by request: the supplier list, what is owed, a quote for one invoice,
 * maybe paying it, then the history and the latest payment. A customer with no invoice left
 * skips the quote and the payment rather than failing the run.
 */
export function* visitRequests(user: PortalUser, dealerId: string, pay: boolean): Generator<PlannedRequest> {
  const get = (group: Group, route: string, url: string): PlannedRequest => ({ group, route, url, init: { headers: { cookie: user.cookie } }, expect: [200] });
  const post = (group: Group, route: string, url: string, body: unknown, headers: Record<string, string> = {}, expect = [200]): PlannedRequest => ({
    group, route, url, expect, init: { method: 'POST', headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) },
  });
  yield get('portal_browse', 'GET /api/portal/dealers', '/api/portal/dealers');
  yield get('portal_browse', 'GET /api/portal/outstanding', `/api/portal/outstanding?dealerId=${dealerId}&view=all`);
  const invoiceId = user.invoices[0];
  if (invoiceId) {
    const selection = { dealerId, customerAccountId: user.accountId, paymentMethodId: user.methodId, sourceView: 'all', items: [{ type: 'invoice', id: invoiceId }], achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION };
    yield post('portal_quote', 'POST /api/portal/payments/preview', '/api/portal/payments/preview', selection);
    if (pay) {
      user.invoices.shift();
      yield { ...post('portal_pay', 'POST /api/portal/payments', '/api/portal/payments', selection, { 'idempotency-key': `load-${randomUUID()}` }, [201]), then: (paid) => user.paymentIds.unshift(paid.payment.id) };
    }
  }
  yield get('portal_history', 'GET /api/portal/payments', '/api/portal/payments?limit=200');
  if (user.paymentIds[0]) yield get('portal_history', 'GET /api/portal/payments/:id', `/api/portal/payments/${user.paymentIds[0]}`);
}

const enc = (value: unknown) => encodeURIComponent(JSON.stringify(value));

/** What the console's users look at: the customer lists with their filters and the payments list. */
export function operatorViews(session: { cookie: string }): PlannedRequest[] {
  const get = (group: Group, route: string, url: string): PlannedRequest => ({ group, route, url, init: { headers: { cookie: session.cookie } }, expect: [200] });
  return [
    get('operator_customers', 'GET /api/operator/customers', `/api/operator/customers?sort=${enc(['collection_priority', 'DESC'])}&range=${enc([0, 24])}&filter=${enc({})}`),
    get('operator_customers', 'GET /api/operator/customers (search)', `/api/operator/customers?sort=${enc(['name', 'ASC'])}&range=${enc([0, 24])}&filter=${enc({ q: 'Maple' })}`),
    get('operator_customers', 'GET /api/operator/customers (aging filter)', `/api/operator/customers?sort=${enc(['outstanding_cents', 'DESC'])}&range=${enc([25, 49])}&filter=${enc({ aging_bucket: '31_60', status: 'active' })}`),
    get('operator_customers', 'GET /api/operator/customers/summary', `/api/operator/customers/summary?filter=${enc({ status: 'active' })}`),
    get('operator_payments', 'GET /api/operator/payments', `/api/operator/payments?sort=${enc(['submitted_at', 'DESC'])}&range=${enc([0, 24])}&filter=${enc({})}`),
    get('operator_payments', 'GET /api/operator/payments (status filter)', `/api/operator/payments?sort=${enc(['amount_cents', 'DESC'])}&range=${enc([0, 24])}&filter=${enc({ status: ['pending', 'settled'], method: 'ach' })}`),
    get('operator_payments', 'GET /api/operator/payments (search)', `/api/operator/payments?sort=${enc(['submitted_at', 'DESC'])}&range=${enc([0, 24])}&filter=${enc({ q: 'P-1' })}`),
  ];
}

/** Customer accounts of their own (so their invoices are clear of the Moov emulator's magic amounts), each linked to a portal login. */
async function seedPortalUsers(db: Db, dealerId: string, count: number, invoicesPerUser: number, slug: string): Promise<Array<{ accountId: string; email: string; invoices: string[] }>> {
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const users: Array<{ accountId: string; email: string; invoices: string[] }> = [];
  for (let u = 0; u < count; u++) {
    const [account] = await db('customer_accounts').insert({ dealer_id: dealerId, erp_account_id: `LOAD-${String(u + 1).padStart(4, '0')}`, name: `Load Builder ${u + 1}` }).returning('id');
    const { rows } = await db.raw(
      `insert into invoices (dealer_id, customer_account_id, invoice_number, invoice_date, due_date, amount_cents, balance_cents, status)
       select ?, ?, 'LOAD-' || ? || '-' || g, date '2026-10-01' + g, date '2026-11-30' + g, 10000 + (g * 7919) % 900000, 10000 + (g * 7919) % 900000, 'open'
       from generate_series(1, ?) g returning id`,
      [dealerId, account.id, u + 1, invoicesPerUser],
    );
    const [company] = await db('customer_companies').insert({ name: `Load Builder ${u + 1} LLC` }).returning('id');
    const email = `ap-${u + 1}-${slug}@contractor.test`;
    await db('portal_users').insert({ company_id: company.id, email, name: 'Pat Payables', password_hash: passwordHash, terms_version: '2026-01', terms_accepted_at: db.fn.now() });
    await db('company_account_links').insert({ company_id: company.id, dealer_id: dealerId, customer_account_id: account.id });
    users.push({ accountId: account.id, email, invoices: rows.map((row: { id: string }) => row.id) });
  }
  return users;
}

async function seedOperators(db: Db, dealerId: string, count: number, slug: string): Promise<string[]> {
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const emails = Array.from({ length: count }, (_, o) => `ops-${o + 1}-${slug}@dealer.test`);
  await db('operator_users').insert(emails.map((email, o) => ({ dealer_id: dealerId, email, name: `Operator ${o + 1}`, role: 'ar_operator', status: 'active', password_hash: passwordHash })));
  return emails;
}

/** A signed-in customer's POST to our API, failing on anything but 2xx. */
function portalPoster(apiUrl: string, session: { cookie: string; csrfToken: string }) {
  return async (route: string, body: unknown = {}) => {
    const response = await fetch(`${apiUrl}${route}`, { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${route}: HTTP ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, any>>;
  };
}
