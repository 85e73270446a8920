import { hashPassword } from '../api/auth/passwords';
import { createDb, type Db } from '../db/connection';
import { sealPlaintextCredentials } from '../db/dealers';
import { addDays, localDate } from '../domain/dates';
import { createMoovClient } from '../integrations/moov';
import { config } from '../runtime/config';
import { dealerProcessorAccount } from '../services/payment-methods';
import { CEDAR_RIDGE, CUSTOMER, DEMO_PASSWORD, NORTHWIND, OPERATORS } from './demo/accounts';
import { generateBook } from './demo/book';
import { bookAsCsvFiles } from './demo/book-csv';

/**
 * Demo data through the product's own paths: the Spruce dealer's book is loaded into the
 * Spruce emulator and arrives by sync; the file-based dealer's book is uploaded as CSV
 * files and committed through the Integration API. Deterministic (fixed seeds), and a
 * second run on the same data leaves it alone.
 */
const cfg = config();
const spruceUrl = (process.env.SPRUCE_URL ?? 'http://127.0.0.1:4010').replace(/\/$/, '');
// The API the seed signs in to: this machine's in the dev stack, the proxy in a container network.
const apiUrl = (process.env.DEMO_API_URL ?? `http://127.0.0.1:${cfg.API_PORT}`).replace(/\/$/, '');
const log = (line: string) => process.stdout.write(`${line}\n`);

async function http(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
  const response = await fetch(url, {
    method,
    headers: body instanceof FormData ? headers : { 'Content-Type': 'application/json', ...headers },
    body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} → ${response.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** An operator session against the running API (cookie + CSRF token), as the console has. */
async function operatorSession(email: string) {
  const response = await fetch(`${apiUrl}/api/operator/auth/sign-in`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: DEMO_PASSWORD }) });
  if (!response.ok) throw new Error(`sign-in as ${email} failed: ${response.status}`);
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie, csrfToken, headers: { cookie, 'X-CSRF-Token': csrfToken } };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 300_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function insertDealersAndOperators(db: Db): Promise<Record<string, string>> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const ids: Record<string, string> = {};
  for (const dealer of [NORTHWIND, CEDAR_RIDGE]) {
    const extra = dealer === NORTHWIND ? { spruce_base_url: spruceUrl } : {};
    const [row] = await db('dealers').insert({ ...dealer, ...extra, surcharge_forbidden_states: [...dealer.surcharge_forbidden_states] }).returning('id');
    ids[dealer.slug] = row.id;
  }
  for (const operator of OPERATORS) {
    await db('operator_users').insert({ dealer_id: ids[operator.dealer], email: operator.email, name: operator.name, role: operator.role, status: 'active', password_hash: passwordHash });
  }
  return ids;
}

/**
 * A few open invoices with their papers in Spruce: the copy and a signed ticket or two. Sent
 * without bytes, so the emulator draws each as a small PDF and the book stays small.
 */
function demoDocuments(book: ReturnType<typeof generateBook>): unknown[] {
  const SIGNERS = ['R. Alvarez', 'M. Ortega', 'J. Whitaker', 'D. Kim'];
  return book.invoices.filter((invoice) => invoice.status !== 'paid').slice(0, 6).flatMap((invoice, index) => [
    { id: `DOC-${invoice.id}-COPY`, invoice_id: invoice.id, kind: 'invoice_copy' },
    ...Array.from({ length: 1 + (index % 2) }, (_, ticket) => ({
      id: `DOC-${invoice.id}-T${ticket + 1}`, invoice_id: invoice.id, kind: 'delivery_ticket', ticket_number: `${70_100 + index * 10 + ticket}`,
      delivered_date: invoice.invoice_date, signed_by: SIGNERS[(index + ticket) % SIGNERS.length],
    })),
  ]);
}

/**
 * Northwind sells every other open invoice on "1% 10 Net 30", as Spruce computes it: a cent
 * amount and a last day ten days after the invoice date. Invoices billed in the last ten days
 * show the discount in the portal; older ones show it has passed.
 */
function withCashDiscountTerms(book: ReturnType<typeof generateBook>): ReturnType<typeof generateBook> {
  return {
    ...book,
    invoices: book.invoices.map((invoice, index) => (index % 2 === 0 && invoice.status === 'open' && invoice.amount_cents >= 200
      ? { ...invoice, terms: '1% 10 Net 30', discount_cents: Math.floor(invoice.amount_cents / 100), discount_date: addDays(invoice.invoice_date, 10) }
      : invoice)),
  };
}

async function loadSpruceBook(dealerId: string, today: string): Promise<number> {
  const book = withCashDiscountTerms(generateBook({ seed: 20261122, today }));
  await http('POST', `${spruceUrl}/admin/tenants`, { id: NORTHWIND.spruce_tenant_id, name: NORTHWIND.name, api_key: NORTHWIND.spruce_api_key }).catch((error: Error) => {
    if (!/409/.test(error.message)) throw error;
  });
  await http('POST', `${spruceUrl}/admin/tenants/${NORTHWIND.spruce_tenant_id}/book`, { ...book, documents: demoDocuments(book) });
  // The API as the Spruce emulator reaches it: PUBLIC_URL, unless the two sit in a container network.
  const webhookBase = (process.env.DEMO_API_URL ?? cfg.PUBLIC_URL).replace(/\/$/, '');
  await http('PUT', `${spruceUrl}/admin/tenants/${NORTHWIND.spruce_tenant_id}/webhook`, { url: `${webhookBase}/webhooks/spruce`, secret: NORTHWIND.spruce_webhook_secret });
  // The sync workflow reads the whole book from the change feed, then follows webhooks.
  const session = await operatorSession(OPERATORS[0].email);
  await http('POST', `${apiUrl}/api/operator/integration/resync`, {}, session.headers);
  log(`Spruce book loaded for ${NORTHWIND.name}: ${book.accounts.length} accounts, ${book.invoices.length} invoices; syncing…`);
  void dealerId;
  return book.accounts.length;
}

async function uploadFileDealerBook(today: string): Promise<void> {
  const book = generateBook({ seed: 7, today, accounts: 60, invoicesPerAccount: 12 });
  const session = await operatorSession(OPERATORS[2].email);
  const form = new FormData();
  for (const [name, content] of Object.entries(bookAsCsvFiles(book))) form.append('files', new Blob([content], { type: 'text/csv' }), name);
  const run = await http('POST', `${apiUrl}/api/operator/ingestion-runs`, form, session.headers);
  const runId: string = run.id;
  await waitFor('CSV validation', async () => {
    const current = await http('GET', `${apiUrl}/api/operator/ingestion-runs/${runId}`, undefined, session.headers);
    if (current.status === 'failed') throw new Error(`demo CSV upload failed: ${current.error}`);
    return current.status === 'validated' && current;
  });
  await http('POST', `${apiUrl}/api/operator/ingestion-runs/${runId}/commit`, {}, session.headers);
  await waitFor('CSV commit', async () => {
    const current = await http('GET', `${apiUrl}/api/operator/ingestion-runs/${runId}`, undefined, session.headers);
    if (current.status === 'failed') throw new Error(`demo CSV commit failed: ${current.error}`);
    return current.status === 'succeeded';
  });
  log(`CSV export of ${CEDAR_RIDGE.name} uploaded and committed: ${book.accounts.length} accounts, ${book.invoices.length} invoices`);
}

/** The demo customer pays both dealers from one login. */
async function linkDemoCustomer(db: Db, dealerIds: Record<string, string>): Promise<void> {
  const [company] = await db('customer_companies').insert({ name: CUSTOMER.company }).returning('id');
  await db('portal_users').insert({
    company_id: company.id, email: CUSTOMER.email, name: CUSTOMER.name, password_hash: await hashPassword(DEMO_PASSWORD),
    terms_version: '2026-01', terms_accepted_at: db.fn.now(),
  });
  for (const slug of [NORTHWIND.slug, CEDAR_RIDGE.slug]) {
    // The credit account with the most open invoices (and a statement, where the dealer bills by one).
    const account = await db('customer_accounts as a')
      .where('a.dealer_id', dealerIds[slug])
      .where('a.account_type', 'credit')
      .select('a.id', 'a.name')
      .orderByRaw(`(select count(*) from statements s where s.customer_account_id = a.id and s.status = 'open') desc,
                   (select count(*) from invoices i where i.customer_account_id = a.id and i.status in ('open','partially_paid')) desc, a.erp_account_id`)
      .first();
    await db('company_account_links').insert({ company_id: company.id, dealer_id: dealerIds[slug], customer_account_id: account.id });
    await db('invitations').insert({ dealer_id: dealerIds[slug], customer_account_id: account.id, email: CUSTOMER.email, token_hash: `seeded-${account.id}`, status: 'accepted', sent_at: db.fn.now(), expires_at: db.fn.now(), responded_at: db.fn.now() });
    log(`${CUSTOMER.email} pays ${slug} for account ${account.name}`);
  }
}

async function main(): Promise<void> {
  const db = createDb(cfg.DATABASE_URL);
  try {
    if (await db('dealers').where({ slug: NORTHWIND.slug }).first()) {
      log('demo data already present');
      return;
    }
    const dealerIds = await insertDealersAndOperators(db);
    // Stored as a deployment stores them: Spruce credentials sealed at rest.
    await sealPlaintextCredentials(db, cfg.DATA_ENCRYPTION_KEY);
    const moov = createMoovClient(cfg);
    for (const id of Object.values(dealerIds)) await dealerProcessorAccount(db, moov, id);
    const expected = await loadSpruceBook(dealerIds[NORTHWIND.slug]!, localDate(new Date(), NORTHWIND.time_zone));
    await uploadFileDealerBook(localDate(new Date(), CEDAR_RIDGE.time_zone));
    await waitFor('the Spruce sync to load every account', async () => {
      const counted = await db('customer_accounts').where({ dealer_id: dealerIds[NORTHWIND.slug] }).count({ n: '*' }).first();
      return Number(counted?.n ?? 0) >= expected;
    });
    await linkDemoCustomer(db, dealerIds);
    log('demo data ready');
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(`drypowder seed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
