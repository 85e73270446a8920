import { randomUUID } from 'node:crypto';
import { routeInventory, type RouteEntry } from '../support/route-inventory';
import type { Db } from '../../db/connection';
import { testDb } from '../support/db';
import { createOperator, signIn, startOperatorApp, type SignedIn, type TestApp } from '../support/operator';
import { hashPassword } from '../../api/auth/passwords';
import { CUSTOMER_PASSWORD, signInCustomer, type CustomerSession } from '../support/portal';
import { createCustomerBook, createSettledPayment, createSettlementDealer } from '../support/settlements';
import { writeReportSection } from './report';
import request from 'supertest';
import { issueApiKey } from '../support/api-keys';
import { recordShortPay } from '../../db/short-pays';
import { createScheduledPayment } from '../../db/scheduled-payments';
import { createEnrolment } from '../../db/autopay';
import { issueConditionalWaivers } from '../../db/lien-waivers';
import { saveDocument } from '../../db/item-documents';

/**
 * Two dealers, each with a customer company, and every operator and portal route that takes
 * an id tried with the other tenant's ids, for reads and writes. Lists are read back and
 * searched for the other tenant's ids. The routes come from the app's inventory, so a new
 * route with an id is covered without editing this file (or fails it, if its resource has no
 * fixture below).
 */

interface Tenant {
  label: string;
  dealerId: string;
  operator: SignedIn;
  customer: CustomerSession;
  /** A write-scoped key of this tenant's, for /api/v1. */
  apiKey: Pick<SignedIn, 'get' | 'send'>;
  /** Ids by the resource segment that precedes `:id` in a route. */
  operatorIds: Record<string, string>;
  portalIds: Record<string, string>;
  /** The delivery ticket on the first invoice, for routes with `:documentId` under `invoices/:id`. */
  documentId: string;
  /** Every id and document number of this tenant, searched for in the other's lists. */
  secrets: string[];
}

async function createTenant(db: Db, app: TestApp['app'], label: string): Promise<Tenant> {
  const dealer = await createSettlementDealer(db, null);
  const book = await createCustomerBook(db, null, dealer, {
    invoices: [{ number: `INV-${label}-1`, amountCents: 12_500 }, { number: `INV-${label}-2`, amountCents: 8_000 }],
    credits: [{ number: `CM-${label}-1`, amountCents: 1_000 }],
    debits: [{ number: `DB-${label}-1`, amountCents: 700 }],
    statement: { number: `ST-${label}-1`, discountCents: 100 },
  }, `${label}-${randomUUID().slice(0, 4)}`);
  const operatorUser = await createOperator(db, dealer.id, { role: 'admin' });
  const portalEmail = `portal-${label}-${randomUUID().slice(0, 6)}@contractor.test`;
  const [portalUser] = await db('portal_users').insert({ company_id: book.companyId, email: portalEmail, name: 'Pat Payables', password_hash: await hashPassword(CUSTOMER_PASSWORD), terms_version: '2026-01', terms_accepted_at: db.fn.now() }).returning('id');
  const portal = { companyId: book.companyId, email: portalEmail };
  const [card] = await db('payment_methods').insert({
    company_id: portal.companyId, kind: 'card', moov_payment_method_id: `pm-${randomUUID()}`, moov_source_id: `card-${randomUUID()}`, label: `Visa ${label}`, last4: '4242',
  }).returning('id');
  // A job on the paid invoice, so the payment carries a lien waiver for it.
  const [job] = await db('jobs').insert({ dealer_id: dealer.id, customer_account_id: book.accountId, erp_job_id: `J-${label}-${randomUUID().slice(0, 6)}`, name: `Job ${label}` }).returning('id');
  await db('invoices').where({ id: book.invoiceIds.get(`INV-${label}-1`)! }).update({ job_id: job.id });
  const payment = await createSettledPayment(db, { ...book, companyId: portal.companyId, paymentMethodId: card.id }, [{ kind: 'invoice', number: `INV-${label}-1`, amountCents: 12_500 }], { method: 'card' });
  await db.transaction((trx) => issueConditionalWaivers(trx, payment.id));
  const waiver = await db('lien_waivers').where({ payment_id: payment.id }).first('id');
  const [settlement] = await db('settlements').insert({
    number: `S-${label}-${randomUUID().slice(0, 6)}`, dealer_id: dealer.id, business_date: '2026-11-20', status: 'ready', payment_count: 1,
    gross_cents: payment.amountCents, net_cents: payment.amountCents, workflow_id: `settlement-${dealer.id}-2026-11-20`, closes_at: new Date(),
  }).returning('id');
  await db('payments').where({ id: payment.id }).update({ settlement_id: settlement.id });
  const [run] = await db('ingestion_runs').insert({ dealer_id: dealer.id, uploaded_by: operatorUser.id, status: 'validated' }).returning('id');
  const [invitation] = await db('invitations').insert({
    dealer_id: dealer.id, customer_account_id: book.accountId, email: `invitee-${label}@contractor.test`, token_hash: `hash-${randomUUID()}`, expires_at: new Date(Date.now() + 86_400_000),
  }).returning('id');
  // Mail to the customer: listed on the customer's page, and never on the other dealer's.
  const customerMail = `mail-${label}-${randomUUID().slice(0, 6)}@contractor.test`;
  await db('email_outbox').insert({ dealer_id: dealer.id, customer_account_id: book.accountId, payment_id: payment.id, kind: 'payment_settled', to_address: customerMail, subject: `Payment ${payment.number} has cleared`, text_body: 'Cleared.', dedupe_key: `isolation:${randomUUID()}` });
  const application = await db('payment_applications').where({ payment_id: payment.id }).first('id', 'invoice_id');
  await db.transaction((trx) => recordShortPay(trx, {
    dealerId: dealer.id, customerAccountId: book.accountId, paymentId: payment.id, applicationId: Number(application.id), itemType: 'invoice', itemId: application.invoice_id,
    paidCents: 12_500, openBeforeCents: 20_000, reason: 'damaged', note: `Isolation ${label}`,
  }));
  const shortPay = await db('short_pays').where({ application_id: application.id }).first('id');
  const ticket = Buffer.from(`%PDF-1.4\n% delivery ticket ${label}\n%%EOF\n`);
  const document = await saveDocument(db, {
    dealerId: dealer.id, invoiceId: book.invoiceIds.get(`INV-${label}-1`)!, kind: 'delivery_ticket', fileName: `ticket-${label}.pdf`, contentType: 'application/pdf',
    content: ticket, sha256: 'fixture', ticketNumber: `DT-${label}-1`, deliveredOn: '2026-11-02', signedBy: 'Sam Site',
  }, { kind: 'operator', id: operatorUser.id });
  const [audit] = await db('audit_events').insert({ dealer_id: dealer.id, actor_kind: 'operator', actor_id: operatorUser.id, action: 'isolation.fixture', entity_type: 'payment', entity_id: payment.id }).returning('id');

  const operatorIds: Record<string, string> = {
    customers: book.accountId,
    'ingestion-runs': run.id,
    invitations: invitation.id,
    invoices: book.invoiceIds.get(`INV-${label}-1`)!,
    adjustments: book.adjustmentIds.get(`CM-${label}-1`)!,
    statements: book.statementId!,
    'audit-events': String(audit.id),
    operators: operatorUser.id,
    payments: payment.id,
    settlements: settlement.id,
    'short-pays': shortPay.id,
    'lien-waivers': waiver.id,
    jobs: job.id,
  };
  const operator = await signIn(app, operatorUser.email);
  const key = await issueApiKey(operator, 'write', `isolation ${label}`);
  operatorIds['api-keys'] = key.id;
  // A webhook endpoint and one delivery to it: the URL and secret are the dealer's, like its data.
  const hookUrl = `http://127.0.0.1:9/isolation-${label}-${randomUUID().slice(0, 6)}`;
  const endpoint = (await operator.send('post', '/api/operator/webhook-endpoints', { url: hookUrl, event_types: ['payment.settled'] }).expect(201)).body;
  const [event] = await db('domain_events').insert({ dealer_id: dealer.id, type: 'payment.settled', entity_type: 'payment', entity_id: payment.id, data: {} }).returning('id');
  const [delivery] = await db('webhook_deliveries').insert({ dealer_id: dealer.id, endpoint_id: endpoint.id, event_id: event.id, status: 'failed', workflow_id: `isolation-${randomUUID()}` }).returning('id');
  operatorIds['webhook-endpoints'] = endpoint.id;
  operatorIds['webhook-deliveries'] = delivery.id;
  const bearer = `Bearer ${key.secret}`;
  const apiKey: Pick<SignedIn, 'get' | 'send'> = {
    get: (url) => request(app).get(url).set('Authorization', bearer),
    send: (method, url, body) => request(app)[method](url).set('Authorization', bearer).set('Idempotency-Key', `isolation-${randomUUID()}`).send(body as object),
  };
  const attemptKey = (await db('payments').where({ id: payment.id }).first('idempotency_key')).idempotency_key as string;
  // A payment scheduled for next month, holding the tenant's second invoice.
  const scheduledId = randomUUID();
  await db.transaction((trx) => createScheduledPayment(trx, {
    id: scheduledId, dealerId: dealer.id, customerAccountId: book.accountId, companyId: portal.companyId, portalUserId: (portalUser as { id: string }).id, paymentMethodId: card.id,
    scheduledFor: '2026-12-28', runAt: new Date('2026-12-28T13:00:00Z'), request: {}, quotedAmountCents: 8_000, achAuthorizationVersion: null,
    idempotencyKey: `isolation-${label}`, requestHash: 'isolation', workflowId: `scheduled-payment-${scheduledId}`,
    items: [{ itemType: 'invoice', itemId: book.invoiceIds.get(`INV-${label}-2`)!, amountCents: 8_000 }],
  }));
  // An autopay enrolment of the account, paying with the card.
  const enrolmentId = randomUUID();
  await createEnrolment(db, {
    id: enrolmentId, dealer_id: dealer.id, customer_account_id: book.accountId, company_id: portal.companyId, portal_user_id: (portalUser as { id: string }).id, payment_method_id: card.id,
    rule: 'statement_due_date', days_before_due: null, max_amount_cents: null, notice_days: 3, authorization_version: null, authorization_text: null, account_mask: '····4242',
    account_holder_type: null, authorized_ip: '203.0.113.7', authorized_user_agent: 'isolation', authorized_at: new Date(), workflow_id: `autopay-${enrolmentId}`,
  });
  operatorIds.autopay = enrolmentId;
  // A pay link for the tenant's job, made by its customer's owner.
  const payLinkId = randomUUID();
  const [payer] = await db('customer_companies').insert({ name: `Payer ${label}` }).returning('id');
  await db('job_pay_links').insert({
    id: payLinkId, dealer_id: dealer.id, job_id: job.id, customer_account_id: book.accountId, payer_company_id: payer.id, token_hash: `isolation-${randomUUID()}`,
    created_by_kind: 'customer', created_by: (portalUser as { id: string }).id, company_id: portal.companyId, expires_at: new Date(Date.now() + 86_400_000),
  });
  operatorIds['job-pay-links'] = payLinkId;
  // A payment waiting for an owner's approval (docs/company-roles.md), holding nothing.
  const approvalId = randomUUID();
  await db('payment_approvals').insert({
    id: approvalId, dealer_id: dealer.id, customer_account_id: book.accountId, company_id: portal.companyId, requested_by: (portalUser as { id: string }).id, request: {},
    quoted_amount_cents: 8_000, threshold_cents: 5_000, idempotency_key: `isolation-approval-${label}`, request_hash: 'isolation', expires_at: new Date(Date.now() + 86_400_000),
  });
  const portalIds: Record<string, string> = {
    invoices: book.invoiceIds.get(`INV-${label}-1`)!, payments: payment.id, 'payment-methods': card.id, 'payment-attempts': attemptKey, 'lien-waivers': waiver.id, 'scheduled-payments': scheduledId,
    members: (portalUser as { id: string }).id, 'payment-approvals': approvalId, 'job-pay-links': payLinkId, autopay: enrolmentId,
  };
  operatorIds['scheduled-payments'] = scheduledId;
  return {
    label,
    dealerId: dealer.id,
    operator,
    documentId: document.id,
    customer: await signInCustomer(app, portal.email),
    apiKey,
    operatorIds,
    portalIds,
    secrets: [
      ...Object.values(operatorIds).filter((id) => id.length > 8), key.prefix, hookUrl, endpoint.secret, endpoint.secret_hint, card.id, book.paymentMethodId, portal.companyId, dealer.id, payment.number,
      document.id, `DT-${label}-1`, `ticket-${label}.pdf`, `INV-${label}-1`, `INV-${label}-2`, `CM-${label}-1`, `DB-${label}-1`, `ST-${label}-1`, `invitee-${label}@contractor.test`, operatorUser.email, portal.email, customerMail,
    ],
  };
}

/** The resource a route's `:id` names: the path segment just before it. */
const resourceOf = (path: string) => /\/([\w-]+)\/:id(?:\/|$)/.exec(path)?.[1];

/** Enough of a body that validation passes and only the tenancy check can refuse. */
const PLAUSIBLE_BODY = {
  reason: 'Isolation check', note: 'Isolation check', postedAt: '2026-11-21T12:00:00.000Z', retryRejected: false, email: 'someone@contractor.test', name: 'Someone',
  role: 'ar_operator', status: 'active', resolution: 'won', amountCents: 100,
};

/** A hung request counts as a failure of its own rather than stalling the whole matrix. */
async function bounded(test: import('supertest').Test): Promise<{ status: number; body: unknown; text: string }> {
  try {
    return await test.timeout(10_000);
  } catch (error) {
    return { status: 599, body: null, text: `no answer: ${(error as Error).message}` };
  }
}

/** The platform administrators' token in this file's app: a role apart from every tenant's. */
const PLATFORM_TOKEN = `isolation-platform-token-${randomUUID()}`;

describe('security: tenant isolation matrix', () => {
  let db: Db;
  let api: TestApp;
  let routes: RouteEntry[];
  let tenants: [Tenant, Tenant];

  beforeAll(async () => {
    db = testDb();
    api = await startOperatorApp(db, { PLATFORM_ADMIN_TOKEN: PLATFORM_TOKEN });
    routes = routeInventory(api.app);
    tenants = [await createTenant(db, api.app, 'north'), await createTenant(db, api.app, 'south')];
  });

  afterAll(async () => {
    await api.close();
    await db.destroy();
  });

  it('keeps the platform admin routes out of every tenant\'s reach: no operator (even an admin), customer or API key holds that role', async () => {
    const platform = routes.filter((route) => route.guard === 'platform_admin');
    expect(platform.map((route) => `${route.method} ${route.path}`)).toEqual(expect.arrayContaining(['POST /api/platform/dealers', 'GET /api/platform/dealers/:slug']));
    const leaks: string[] = [];
    for (const [attacker, victim] of [[tenants[0], tenants[1]], [tenants[1], tenants[0]]] as const) {
      const victimSlug = (await db('dealers').where({ id: victim.dealerId }).first('slug')).slug as string;
      const body = { slug: victimSlug, name: 'Taken over', time_zone: 'America/Chicago', settlement_cutoff: '17:00', admin: { email: 'intruder@contractor.test', name: 'Intruder' }, integration: { mode: 'file' }, moov: { mode: 'create' } };
      for (const route of platform) {
        const url = route.path.replace(':slug', victimSlug);
        for (const [label, session] of [['operator', attacker.operator], ['customer', attacker.customer], ['API key', attacker.apiKey]] as const) {
          const response = await bounded(route.method === 'GET' ? session.get(url) : session.send('post', url, body));
          const text = `${JSON.stringify(response.body ?? '')}${response.text ?? ''}`;
          if (response.status !== 401) leaks.push(`${attacker.label} ${label} → ${route.method} ${url}: ${response.status} ${text.slice(0, 200)}`);
          else if (victim.secrets.some((secret) => text.includes(secret))) leaks.push(`${attacker.label} ${label} → ${route.method} ${url}: refusal echoes the other tenant's data`);
        }
      }
      // The platform token reads the same dealer, so the refusals above are the guard's.
      const control = await request(api.app).get(`/api/platform/dealers/${victimSlug}`).set('Authorization', `Bearer ${PLATFORM_TOKEN}`);
      if (control.status !== 200) leaks.push(`control: the platform token reading ${victimSlug} → ${control.status}`);
    }
    expect(leaks).toEqual([]);
    expect(await db('operator_users').where({ email: 'intruder@contractor.test' }).first()).toBeUndefined();
  });

  it('refuses every id route the other tenant\'s ids and leaks none of them in lists', async () => {
    const idRoutes = routes.filter((route) => route.guard !== 'none' && route.path.includes(':id'));
    const listRoutes = routes.filter((route) => route.guard !== 'none' && route.method === 'GET' && !route.path.includes(':'));
    // Writes that change what another tenant's customers may do, or what its operators recorded,
    // are in the matrix by name, so a rename that drops the `:id` segment cannot take them out
    // of it unnoticed.
    expect(idRoutes.map((route) => `${route.method} ${route.path}`)).toEqual(expect.arrayContaining([
      'POST /api/operator/customers/:id/portal-access/disable',
      'POST /api/operator/customers/:id/portal-access/restore',
      'GET /api/operator/customers/:id/emails',
      'GET /api/operator/customers/:id/reminders',
      'POST /api/operator/customers/:id/reminders/opt-out',
      'POST /api/operator/customers/:id/reminders/opt-in',
      'POST /api/operator/customers/:id/reminder-preview',
      'GET /api/operator/customers/:id/credit',
      'POST /api/operator/customers/:id/credit/apply',
      'POST /api/operator/payments/:id/failure-decision',
      'POST /api/operator/payments/:id/refund',
      'PUT /api/operator/payments/:id/disputes/:disputeId/evidence',
      'POST /api/operator/api-keys/:id/revoke',
      'POST /api/operator/api-keys/:id/rotate',
      'PUT /api/operator/webhook-endpoints/:id',
      'POST /api/operator/webhook-endpoints/:id/roll-secret',
      'GET /api/operator/webhook-endpoints/:id/deliveries',
      'POST /api/operator/webhook-deliveries/:id/resend',
      'GET /api/operator/lien-waivers/:id',
      'GET /api/operator/lien-waivers/:id/pdf',
      'GET /api/operator/jobs/:id',
      'GET /api/portal/lien-waivers/:id/pdf',
      'GET /api/operator/invoices/:id/documents',
      'POST /api/operator/invoices/:id/documents',
      'GET /api/operator/invoices/:id/documents/:documentId',
      'GET /api/portal/invoices/:id/documents',
      'GET /api/portal/invoices/:id/documents/:documentId',
      'PUT /api/portal/team/members/:id',
      'POST /api/portal/payment-approvals/:id/approve',
      'POST /api/portal/payment-approvals/:id/decline',
      'POST /api/portal/job-pay-links/:id/revoke',
      'POST /api/operator/job-pay-links/:id/revoke',
      'GET /api/operator/jobs/:id/pay-links',
      'POST /api/operator/jobs/:id/pay-links',
      'GET /api/v1/invoices/:id/documents',
      'POST /api/v1/invoices/:id/documents',
      'GET /api/v1/invoices/:id/documents/:documentId',
      'GET /api/v1/payments/:id',
      'GET /api/v1/settlements/:id/posting-file.csv',
      'POST /api/v1/settlements/:id/close',
      'GET /api/v1/ingestion-runs/:id',
      'GET /api/v1/ingestion-runs/:id/errors',
      'POST /api/v1/ingestion-runs/:id/commit',
      'POST /api/v1/ingestion-runs/:id/cancel',
    ]));
    const leaks: string[] = [];
    const notes: string[] = [];
    let idChecks = 0;
    let listChecks = 0;
    let controls = 0;

    for (const [attacker, victim] of [[tenants[0], tenants[1]], [tenants[1], tenants[0]]] as const) {
      for (const route of idRoutes) {
        const resource = resourceOf(route.path);
        const portal = route.guard === 'customer';
        const victimIds = portal ? victim.portalIds : victim.operatorIds;
        const ownIds = portal ? attacker.portalIds : attacker.operatorIds;
        if (!resource || !(resource in victimIds)) throw new Error(`no fixture id for ${route.method} ${route.path}: add the resource "${resource}" to createTenant`);
        const url = route.path.replace(':id', victimIds[resource]!).replace(':category', 'invoices').replace(':documentId', victim.documentId);
        const session = portal ? attacker.customer : route.guard === 'api_key' ? attacker.apiKey : attacker.operator;
        const response = await bounded(route.method === 'GET' ? session.get(url) : session.send(route.method.toLowerCase() as 'post' | 'put' | 'delete', url, PLAUSIBLE_BODY));
        idChecks += 1;
        const text = `${JSON.stringify(response.body ?? '')}${response.text ?? ''}`;
        if (![403, 404].includes(response.status)) leaks.push(`${attacker.label} → ${route.method} ${url}: ${response.status} ${text.slice(0, 200)}`);
        else if (victim.secrets.some((secret) => text.includes(secret) && !url.includes(secret))) leaks.push(`${attacker.label} → ${route.method} ${url}: refusal echoes the other tenant's data`);

        // The same read with the attacker's own id must work, or the refusal above proves nothing.
        if (route.method === 'GET') {
          const own = await bounded(session.get(route.path.replace(':id', ownIds[resource]!).replace(':category', 'invoices').replace(':documentId', attacker.documentId)));
          controls += 1;
          if (own.status === 404 || own.status >= 500) notes.push(`control ${attacker.label} ${route.method} ${route.path} with its own id → ${own.status}`);
        }
      }

      for (const route of listRoutes) {
        const session = route.guard === 'customer' ? attacker.customer : route.guard === 'api_key' ? attacker.apiKey : attacker.operator;
        // The portal's outstanding list is per dealer: ask for the other tenant's dealer outright.
        const scope = route.path.startsWith('/api/portal/outstanding') ? `&dealerId=${victim.dealerId}` : '';
        // The public API pages by cursor: its largest page holds every row of these fixtures.
        const page = route.guard === 'api_key' ? 'limit=200' : `range=${encodeURIComponent('[0,999]')}`;
        const response = await bounded(session.get(`${route.path}?${page}${scope}`));
        listChecks += 1;
        const text = `${response.text ?? ''}${JSON.stringify(response.body ?? '')}`;
        if (response.status >= 500) leaks.push(`${attacker.label} → GET ${route.path}: ${response.status}`);
        const seen = victim.secrets.filter((secret) => text.includes(secret));
        if (seen.length) leaks.push(`${attacker.label} → GET ${route.path} lists the other tenant's ${seen.join(', ')}`);
        if (response.status >= 400) notes.push(`list ${attacker.label} GET ${route.path} → ${response.status} (checked for leaks only)`);
      }
    }

    const total = idChecks + listChecks;
    console.log(`tenant isolation: ${idChecks} id-route checks on ${idRoutes.length} routes, ${listChecks} list checks on ${listRoutes.length} routes, ${controls} own-id controls; leaks: ${leaks.length}\n${[...leaks, ...notes].join('\n')}`);
    writeReportSection('tenant-isolation', [
      '### Tenant isolation matrix',
      '',
      'test/security/tenant-isolation.test.ts: two dealers, each with a customer company, accounts, invoices, adjustments, a statement, a payment, a settlement, an ingestion run, an invitation, an audit event and an API key. Every guarded route with an `:id` is called by each tenant with the other\'s id (reads and writes; operator routes with an operator session, /api/v1 routes with the tenant\'s own API key; expecting 403/404 and no foreign data in the answer); every guarded list route is read by each tenant and searched for the other\'s ids and document numbers.',
      '',
      `| Checks | Id-route checks | List checks | Own-id controls | Leaks |`,
      '| --- | --- | --- | --- | --- |',
      `| ${total} | ${idChecks} (${idRoutes.length} routes × 2 directions) | ${listChecks} (${listRoutes.length} routes × 2) | ${controls} | ${leaks.length} |`,
    ].join('\n'));
    expect(notes.filter((note) => note.startsWith('control'))).toEqual([]);
    expect(leaks).toEqual([]);
  }, 300_000);
});
