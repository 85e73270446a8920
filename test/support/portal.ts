import type { Express } from 'express';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Db } from '../../db/connection';
import { hashPassword } from '../../api/auth/passwords';
import { startSmtpSink, type CaughtMessage, type SmtpSink } from '../../emulators/smtp-sink';

/**
 * Customer-side fixtures: an SMTP sink whose inbox tests read over HTTP like a person would,
 * customer accounts with contacts, jobs and receivables, and a signed-in portal agent.
 */

export const CUSTOMER_PASSWORD = 'Framing-crew-2026!';

export async function startMailSink(): Promise<SmtpSink & { smtpUrl: string }> {
  const sink = await startSmtpSink({ smtpPort: 0, httpPort: 0 });
  return Object.assign(sink, { smtpUrl: `smtp://127.0.0.1:${sink.smtpPort}` });
}

/** Polls the sink's HTTP inbox until a message for `to` matches (newest first). */
export async function waitForEmail(sink: SmtpSink, to: string, match: (message: CaughtMessage) => boolean = () => true, timeoutMs = 20_000): Promise<CaughtMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${sink.http.url}/api/messages?to=${encodeURIComponent(to)}`);
    const messages = (await response.json()) as CaughtMessage[];
    const found = messages.find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no email to ${to} matched within ${timeoutMs} ms (inbox has ${messages.length})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function emailCount(sink: SmtpSink, to: string): Promise<number> {
  const response = await fetch(`${sink.http.url}/api/messages?to=${encodeURIComponent(to)}`);
  return ((await response.json()) as CaughtMessage[]).length;
}

/** The token of a portal link (`.../portal/#/register?token=...`) found in an email. */
export function tokenFromEmail(message: CaughtMessage, route: 'register' | 'decline' | 'reset-password'): string {
  const link = message.links.find((candidate) => candidate.includes(`#/${route}?token=`));
  if (!link) throw new Error(`no ${route} link in "${message.subject}": ${message.links.join(', ')}`);
  return decodeURIComponent(new URL(link.replace('#/', 'hash/')).searchParams.get('token')!);
}

export const uniqueEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@contractor.test`;

export interface SeededAccount {
  id: string;
  erp_account_id: string;
  name: string;
  email: string | null;
}

/** A customer account with a contact (primary unless told otherwise). */
export async function createCustomerAccount(
  db: Db,
  dealerId: string,
  fields: { name?: string; email?: string | null; erpAccountId?: string; extraContacts?: Array<{ email: string | null; is_primary?: boolean }> } = {},
): Promise<SeededAccount> {
  const erpAccountId = fields.erpAccountId ?? String(10_000 + Math.floor(Math.random() * 89_999));
  const [account] = await db('customer_accounts')
    .insert({ dealer_id: dealerId, erp_account_id: `${erpAccountId}-${randomUUID().slice(0, 4)}`, name: fields.name ?? `Builder ${erpAccountId}` })
    .returning(['id', 'erp_account_id', 'name']);
  const email = fields.email === undefined ? uniqueEmail('ap') : fields.email;
  const contacts = [
    ...(fields.extraContacts ?? []).map((contact) => ({ email: contact.email, is_primary: contact.is_primary ?? false })),
    { email, is_primary: true },
  ];
  for (const contact of contacts) {
    await db('contacts').insert({
      dealer_id: dealerId, customer_account_id: account.id, erp_contact_id: `c-${randomUUID()}`, name: 'Accounts Payable', email: contact.email, is_primary: contact.is_primary,
    });
  }
  return { ...account, email };
}

export async function createJob(db: Db, dealerId: string, accountId: string, name: string): Promise<{ id: string; name: string }> {
  const [job] = await db('jobs').insert({ dealer_id: dealerId, customer_account_id: accountId, erp_job_id: `job-${randomUUID()}`, name }).returning(['id', 'name']);
  return job;
}

export async function createInvoice(
  db: Db,
  dealerId: string,
  accountId: string,
  fields: { number?: string; jobId?: string | null; amountCents: number; balanceCents?: number; reservedCents?: number; invoiceDate?: string; dueDate: string; statementId?: string | null; status?: string },
): Promise<{ id: string; invoice_number: string }> {
  const [invoice] = await db('invoices')
    .insert({
      dealer_id: dealerId, customer_account_id: accountId, job_id: fields.jobId ?? null, statement_id: fields.statementId ?? null,
      invoice_number: fields.number ?? `INV-${randomUUID().slice(0, 8)}`,
      invoice_date: fields.invoiceDate ?? fields.dueDate, due_date: fields.dueDate,
      amount_cents: fields.amountCents, balance_cents: fields.balanceCents ?? fields.amountCents, reserved_cents: fields.reservedCents ?? 0,
      status: fields.status ?? ((fields.balanceCents ?? fields.amountCents) < fields.amountCents ? 'partially_paid' : 'open'),
    })
    .returning(['id', 'invoice_number']);
  // The ERP lists a statement's items; ingestion records the list and the item's statement id.
  if (fields.statementId) {
    await db('statement_items').insert({ dealer_id: dealerId, statement_id: fields.statementId, item_type: 'invoice', invoice_id: invoice.id, amount_cents: fields.balanceCents ?? fields.amountCents });
  }
  return invoice;
}

export async function createAdjustment(
  db: Db,
  dealerId: string,
  accountId: string,
  fields: { kind: 'credit' | 'debit'; number?: string; jobId?: string | null; amountCents: number; balanceCents?: number; transactionDate?: string; statementId?: string | null; appliesTo?: string },
): Promise<{ id: string; adjustment_number: string }> {
  const [adjustment] = await db('adjustments')
    .insert({
      dealer_id: dealerId, customer_account_id: accountId, job_id: fields.jobId ?? null, statement_id: fields.statementId ?? null, kind: fields.kind,
      reason: fields.kind === 'credit' ? 'credit' : 'charge', adjustment_number: fields.number ?? `ADJ-${randomUUID().slice(0, 8)}`,
      amount_cents: fields.amountCents, balance_cents: fields.balanceCents ?? fields.amountCents, transaction_date: fields.transactionDate ?? null,
      applies_to_invoice_number: fields.appliesTo ?? null,
    })
    .returning(['id', 'adjustment_number']);
  if (fields.statementId) {
    await db('statement_items').insert({ dealer_id: dealerId, statement_id: fields.statementId, item_type: fields.kind, adjustment_id: adjustment.id, amount_cents: fields.balanceCents ?? fields.amountCents });
  }
  return adjustment;
}

export interface CustomerSession {
  agent: ReturnType<typeof request.agent>;
  csrfToken: string;
  get(path: string): request.Test;
  send(method: 'post' | 'put' | 'delete', path: string, body?: unknown): request.Test;
}

function session(agent: ReturnType<typeof request.agent>, csrfToken: string): CustomerSession {
  return {
    agent,
    csrfToken,
    get: (path) => agent.get(path),
    send: (method, path, body) => agent[method](path).set('X-CSRF-Token', csrfToken).send(body as object),
  };
}

export async function signInCustomer(app: Express, email: string, password = CUSTOMER_PASSWORD): Promise<CustomerSession> {
  const agent = request.agent(app);
  const response = await agent.post('/api/portal/auth/sign-in').send({ email, password }).expect(200);
  return session(agent, response.body.csrfToken);
}

/** Registers a new login from an invitation token; the agent is signed in afterwards. */
export async function registerFromToken(app: Express, token: string, fields: { name?: string; password?: string; email?: string; companyName?: string } = {}): Promise<CustomerSession & { userId: string }> {
  const agent = request.agent(app);
  const lookup = await agent.post('/api/portal/invitations/lookup').send({ token }).expect(200);
  const response = await agent
    .post('/api/portal/register')
    .send({ token, name: fields.name ?? 'Pat Payables', password: fields.password ?? CUSTOMER_PASSWORD, acceptTerms: true, termsVersion: lookup.body.termsVersion, email: fields.email, companyName: fields.companyName })
    .expect(201);
  return Object.assign(session(agent, response.body.csrfToken), { userId: response.body.user.id as string });
}

let customerPasswordHash: Promise<string> | undefined;

/** A registered customer company with one login and active links to the given accounts. */
export async function createPortalCustomer(db: Db, accounts: Array<{ id: string; dealerId: string }>, fields: { email?: string; companyName?: string } = {}) {
  customerPasswordHash ??= hashPassword(CUSTOMER_PASSWORD);
  const [company] = await db('customer_companies').insert({ name: fields.companyName ?? `Contractor ${randomUUID().slice(0, 6)}` }).returning(['id', 'name']);
  const email = fields.email ?? uniqueEmail('portal');
  const [user] = await db('portal_users')
    .insert({ company_id: company.id, email, name: 'Pat Payables', password_hash: await customerPasswordHash, terms_version: '2026-01', terms_accepted_at: db.fn.now() })
    .returning(['id', 'email']);
  for (const account of accounts) await db('company_account_links').insert({ company_id: company.id, dealer_id: account.dealerId, customer_account_id: account.id });
  return { companyId: company.id as string, companyName: company.name as string, userId: user.id as string, email };
}
