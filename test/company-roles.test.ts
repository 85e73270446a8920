import { randomUUID } from 'node:crypto';
import { CURRENT_ACH_AUTHORIZATION_VERSION, CURRENT_SCHEDULED_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';
import { addDays, localDate } from '../domain/dates';
import { createEnrolment } from '../db/autopay';
import { saveDocument } from '../db/item-documents';
import { startEmailRelay } from '../worker/duties';
import { eventually } from './support/eventually';
import { payingCustomer, paymentStatus, startPaymentStack, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createInvoice, createJob, CUSTOMER_PASSWORD, signInCustomer, startMailSink, tokenFromEmail, uniqueEmail, waitForEmail, type CustomerSession } from './support/portal';
import { routeInventory } from './support/route-inventory';
import { completePlaidLink } from './support/payment-emulators';
import request from 'supertest';

/**
 * Contractor-side roles (docs/company-roles.md) through the portal API on the real worker and
 * the Moov emulator: an owner adds a project manager and an AP clerk from the Team routes; the
 * project manager reaches only the assigned job on every portal route (a matrix over the
 * route inventory, like the tenant matrix); a payment above the company's threshold waits for
 * an owner, and is either approved (then paid through the ordinary path) or lapses (items
 * released, the requester told), with the owners reminded meanwhile.
 */
// Long enough that an approval cannot lapse under a busy machine before the approve test decides it.
const APPROVAL_TIMEOUT_MS = 20_000;
const APPROVAL_REMINDER_MS = 5_000;
/** The outbox relay passes every 300 ms, but a pass can wait on the mail sink for many seconds on a machine at load 10. */
const MAIL_WAIT_MS = 60_000;

describe('company roles', () => {
  // Room for MAIL_WAIT_MS inside a test on a busy machine.
  jest.setTimeout(150_000);
  let stack: PaymentStack;
  let owner: PayingCustomer;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let stopRelay: () => void;
  let ownerEmail: string;
  let jobA: { id: string; name: string };
  let jobB: { id: string; name: string };
  let pm: { session: CustomerSession; email: string; id: string };
  let ap: { session: CustomerSession; email: string; id: string };
  let today: string;

  const payBody = (invoiceIds: string[]) => ({
    dealerId: stack.dealerId, customerAccountId: owner.accountId, paymentMethodId: owner.bankMethodId, sourceView: 'all',
    items: invoiceIds.map((id) => ({ type: 'invoice', id })), achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION,
  });
  const pay = (session: CustomerSession, invoiceIds: string[], key = randomUUID()) =>
    session.agent.post('/api/portal/payments').set('X-CSRF-Token', session.csrfToken).set('Idempotency-Key', key).send(payBody(invoiceIds));
  const invoice = (amountCents: number, jobId: string | null, number?: string) =>
    createInvoice(stack.db, stack.dealerId, owner.accountId, { amountCents, jobId, dueDate: addDays(today, 20), number });

  /** A member added by the owner from the Team routes, signed in after choosing a password through the emailed link. */
  async function addMember(role: 'ap' | 'project_manager', jobIds: string[]) {
    const email = uniqueEmail(role);
    const created = await owner.session.send('post', '/api/portal/team/members', { email, name: role === 'ap' ? 'Alex Payables' : 'Morgan Site', role, jobIds }).expect(201);
    expect(created.body).toMatchObject({ email, role, status: 'active', jobIds: role === 'project_manager' ? jobIds : [] });
    const message = await waitForEmail(sink, email, (m) => m.subject.includes('added you to the Payments portal'), MAIL_WAIT_MS);
    const token = tokenFromEmail(message, 'reset-password');
    await owner.session.agent.post('/api/portal/auth/reset-password').send({ token, password: CUSTOMER_PASSWORD }).expect(204);
    return { session: await signInCustomer(stack.app, email), email, id: created.body.id as string };
  }

  beforeAll(async () => {
    sink = await startMailSink();
    stack = await startPaymentStack({ config: { SMTP_URL: sink.smtpUrl, APPROVAL_TIMEOUT_MS: String(APPROVAL_TIMEOUT_MS), APPROVAL_REMINDER_MS: String(APPROVAL_REMINDER_MS) } });
    stopRelay = startEmailRelay(stack.db, { SMTP_URL: sink.smtpUrl, MAIL_FROM: 'payments@drypowder.test' }, 300, { dealerId: stack.dealerId });
    owner = await payingCustomer(stack);
    ownerEmail = (await stack.db('portal_users').where({ company_id: owner.companyId }).first('email')).email;
    today = localDate(new Date(), 'America/Chicago');
    jobA = await createJob(stack.db, stack.dealerId, owner.accountId, 'Maple Street duplex');
    jobB = await createJob(stack.db, stack.dealerId, owner.accountId, 'Harbor View clinic');
    pm = await addMember('project_manager', [jobA.id]);
    ap = await addMember('ap', []);
  });
  afterAll(async () => {
    stopRelay?.();
    await stack?.stop();
    await sink?.stop();
  });

  it('existing users are owners; only an owner manages the team, and the last owner cannot step down', async () => {
    expect((await owner.session.get('/api/portal/auth/session').expect(200)).body.user.role).toBe('owner');
    expect((await pm.session.get('/api/portal/auth/session').expect(200)).body.user.role).toBe('project_manager');
    for (const session of [pm.session, ap.session]) {
      expect((await session.get('/api/portal/team').expect(403)).body.error.code).toBe('company_role_required');
      await session.send('put', '/api/portal/team/approval-threshold', { approvalThresholdCents: 1 }).expect(403);
    }
    const team = await owner.session.get('/api/portal/team').expect(200);
    expect(team.body.members.map((member: { role: string }) => member.role).sort()).toEqual(['ap', 'owner', 'project_manager']);
    expect(team.body.jobs.map((job: { name: string }) => job.name)).toEqual(expect.arrayContaining([jobA.name, jobB.name]));
    const ownerId = team.body.members.find((member: { role: string }) => member.role === 'owner').id;
    expect((await owner.session.send('put', `/api/portal/team/members/${ownerId}`, { role: 'ap' }).expect(409)).body.error.code).toBe('last_owner');
    // A job of another company's account is refused by name.
    const refused = await owner.session.send('put', `/api/portal/team/members/${pm.id}`, { jobIds: [randomUUID()] }).expect(400);
    expect(refused.body.error).toMatchObject({ code: 'job_not_found', message: expect.stringContaining('jobIds') });
    expect(await stack.db('audit_events').where({ entity_type: 'portal_user', entity_id: pm.id }).pluck('action')).toEqual(['portal_user.invited']);
  });

  it('a project manager reaches only the assigned job on every portal route (matrix)', async () => {
    const suffix = randomUUID().slice(0, 6);
    const [invA, invB, invA2, invB2] = [
      await invoice(12_000, jobA.id, `PM-A-${suffix}`), await invoice(13_000, jobB.id, `PM-B-${suffix}`),
      await invoice(14_000, jobA.id, `PM-A2-${suffix}`), await invoice(15_000, jobB.id, `PM-B2-${suffix}`),
    ];
    // The project manager pays their own job; the owner pays the other.
    const paidA = await pay(pm.session, [invA.id]).expect(201);
    const paidB = await pay(owner.session, [invB.id]).expect(201);
    const keyOf = async (id: string) => (await stack.db('payments').where({ id }).first('idempotency_key')).idempotency_key as string;
    const waiverOf = async (id: string) => (await stack.db('lien_waivers').where({ payment_id: id }).first('id')).id as string;
    const schedule = (invoiceId: string) => owner.session.agent.post('/api/portal/scheduled-payments').set('X-CSRF-Token', owner.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ ...payBody([invoiceId]), scheduledFor: addDays(today, 10) }).expect(201);
    const [scheduledA, scheduledB] = [(await schedule(invA2.id)).body.id, (await schedule(invB2.id)).body.id];
    const operatorId = (await stack.db('operator_users').where({ dealer_id: stack.dealerId }).first('id')).id as string;
    const ticket = (invoiceId: string, label: string) => saveDocument(stack.db, {
      dealerId: stack.dealerId, invoiceId, kind: 'delivery_ticket', fileName: `ticket-${label}.pdf`, contentType: 'application/pdf',
      content: Buffer.from(`%PDF-1.4\n% ticket ${label}\n%%EOF\n`), sha256: 'fixture', ticketNumber: `DT-${label}-${suffix}`, deliveredOn: '2026-11-02', signedBy: 'Sam Site',
    }, { kind: 'operator', id: operatorId });
    const [docA, docB] = [await ticket(invA.id, 'A'), await ticket(invB.id, 'B')];
    // An approval waiting on job B, asked for by the AP clerk.
    await owner.session.send('put', '/api/portal/team/approval-threshold', { approvalThresholdCents: 10_000 }).expect(200);
    const invB3 = await invoice(20_000, jobB.id, `PM-B3-${suffix}`);
    const approvalB = (await pay(ap.session, [invB3.id]).expect(202)).body.approval.id as string;
    await owner.session.send('put', '/api/portal/team/approval-threshold', { approvalThresholdCents: null }).expect(200);
    const linkB = (await owner.session.send('post', '/api/portal/job-pay-links', { jobId: jobB.id }).expect(201)).body.id as string;
    // The owner's autopay on the account: a standing debit of every job, which a project manager may not see or change.
    const enrolment = randomUUID();
    const ownerUser = (await stack.db('portal_users').where({ company_id: owner.companyId, email: ownerEmail }).first('id')).id as string;
    await createEnrolment(stack.db, {
      id: enrolment, dealer_id: stack.dealerId, customer_account_id: owner.accountId, company_id: owner.companyId, portal_user_id: ownerUser, payment_method_id: owner.bankMethodId,
      rule: 'statement_due_date', days_before_due: null, max_amount_cents: null, notice_days: 3, authorization_version: null, authorization_text: null, account_mask: '····0001',
      account_holder_type: 'business', authorized_ip: '203.0.113.9', authorized_user_agent: 'matrix', authorized_at: new Date(), workflow_id: `autopay-${enrolment}`,
    });

    const mine: Record<string, string> = {
      invoices: invA.id, payments: paidA.body.payment.id, 'payment-attempts': await keyOf(paidA.body.payment.id), 'lien-waivers': await waiverOf(paidA.body.payment.id), 'scheduled-payments': scheduledA,
    };
    const theirs: Record<string, string> = {
      invoices: invB.id, payments: paidB.body.payment.id, 'payment-attempts': await keyOf(paidB.body.payment.id), 'lien-waivers': await waiverOf(paidB.body.payment.id), 'scheduled-payments': scheduledB,
      'payment-approvals': approvalB, members: ap.id, 'job-pay-links': linkB, autopay: enrolment,
    };
    const secrets = [...Object.values(theirs), invB.invoice_number, invB2.invoice_number, invB3.invoice_number, paidB.body.payment.number, docB.id, `DT-B-${suffix}`, jobB.name];
    // Saved payment methods belong to the company, not to a job: every role pays with them.
    const companyWide = new Set(['payment-methods']);

    const routes = routeInventory(stack.app).filter((route) => route.guard === 'customer');
    const idRoutes = routes.filter((route) => route.path.includes(':id'));
    const resourceOf = (path: string) => /\/([\w-]+)\/:id(?:\/|$)/.exec(path)?.[1];
    const leaks: string[] = [];
    let checks = 0;
    for (const route of idRoutes) {
      const resource = resourceOf(route.path)!;
      if (companyWide.has(resource)) continue;
      if (!(resource in theirs)) throw new Error(`no job-B fixture for ${route.method} ${route.path}: add "${resource}" to this matrix`);
      const url = route.path.replace(':id', theirs[resource]!).replace(':documentId', docB.id);
      const response = route.method === 'GET' ? await pm.session.get(url) : await pm.session.send(route.method.toLowerCase() as 'post' | 'put' | 'delete', url, { reason: 'matrix', role: 'owner' });
      checks += 1;
      const text = `${response.text ?? ''}`;
      if (![403, 404].includes(response.status)) leaks.push(`${route.method} ${url} → ${response.status} ${text.slice(0, 160)}`);
      else if (secrets.some((secret) => text.includes(secret) && !url.includes(secret))) leaks.push(`${route.method} ${url}: the refusal names job B's data`);
      if (route.method === 'GET' && resource in mine) {
        const own = await pm.session.get(route.path.replace(':id', mine[resource]!).replace(':documentId', docA.id));
        if (own.status !== 200) leaks.push(`control ${route.method} ${route.path} with job A's id → ${own.status}`);
      }
    }
    for (const route of routes.filter((entry) => entry.method === 'GET' && !entry.path.includes(':'))) {
      const query = route.path.startsWith('/api/portal/outstanding') ? `?dealerId=${stack.dealerId}` : '';
      const response = await pm.session.get(`${route.path}${query}`);
      checks += 1;
      if (response.status >= 500) leaks.push(`GET ${route.path} → ${response.status}`);
      const seen = secrets.filter((secret) => (response.text ?? '').includes(secret));
      if (seen.length) leaks.push(`GET ${route.path} lists job B's ${seen.join(', ')}`);
    }
    console.log(`company roles matrix: ${checks} checks over ${idRoutes.length} id routes; leaks: ${leaks.length}`);
    expect(leaks).toEqual([]);
    expect(checks).toBeGreaterThan(15);

    // What the project manager does see: job A's open item, and paying job B's item is "not found".
    const outstanding = await pm.session.get(`/api/portal/outstanding?dealerId=${stack.dealerId}`).expect(200);
    expect(JSON.stringify(outstanding.body)).toContain(jobA.name);
    expect((await pm.session.send('post', '/api/portal/payments/preview', payBody([invB2.id])).expect(404)).body.error.code).toBe('not_found');
    // Job A's item is quotable (here: held by the owner's schedule, and said so).
    const previewA = await pm.session.send('post', '/api/portal/payments/preview', payBody([invA2.id])).expect(200);
    expect(previewA.body.errors.map((error: { code: string }) => error.code)).toContain('item_in_other_payment');
    expect(await stack.db('scheduled_payments').where({ id: scheduledB }).first('status')).toEqual({ status: 'scheduled' });
    // Accounts payable sees every job.
    await ap.session.get(`/api/portal/payments/${paidB.body.payment.id}`).expect(200);
    expect((await ap.session.get(`/api/portal/outstanding?dealerId=${stack.dealerId}`).expect(200)).text).toContain(jobB.name);
  });

  it('a payment above the threshold waits for an owner, who approves it: then it is paid through the ordinary path', async () => {
    await owner.session.send('put', '/api/portal/team/approval-threshold', { approvalThresholdCents: 50_000 }).expect(200);
    const inv = await invoice(80_000, jobA.id);
    const key = randomUUID();
    const asked = await pay(ap.session, [inv.id], key).expect(202);
    expect(asked.body.approval).toMatchObject({ status: 'awaiting_approval', amountCents: 80_000, thresholdCents: 50_000, canDecide: false, paymentId: null, requestedBy: { id: ap.id } });
    const approvalId = asked.body.approval.id as string;
    // The same press again is the same approval; nothing is charged; the item is held.
    expect((await pay(ap.session, [inv.id], key).expect(202)).body.approval.id).toBe(approvalId);
    expect(await stack.db('payments').where({ company_id: owner.companyId }).whereIn('id', stack.db('payment_applications').where({ invoice_id: inv.id }).select('payment_id'))).toEqual([]);
    expect(await stack.db('invoices').where({ id: inv.id }).first('reserved_cents')).toEqual({ reserved_cents: 80_000 });
    expect((await pay(owner.session, [inv.id]).expect(409)).body.error.code).toBe('items_unavailable');
    await waitForEmail(sink, ownerEmail, (m) => m.subject.startsWith('Approve a payment of $800.00'), MAIL_WAIT_MS);
    // Only an owner decides.
    await ap.session.send('post', `/api/portal/payment-approvals/${approvalId}/approve`).expect(403);
    await pm.session.send('post', `/api/portal/payment-approvals/${approvalId}/approve`).expect(403);

    const listed = await owner.session.get('/api/portal/payment-approvals').expect(200);
    expect(listed.body.approvals.find((row: { id: string }) => row.id === approvalId)).toMatchObject({ canDecide: true, items: [{ id: inv.id, amountCents: 80_000 }] });
    const approved = await owner.session.send('post', `/api/portal/payment-approvals/${approvalId}/approve`).expect(200);
    expect(approved.body.approval).toMatchObject({ status: 'approved', paymentId: expect.any(String) });
    const paymentId = approved.body.approval.paymentId as string;
    expect(await stack.db('payments').where({ id: paymentId }).first('amount_cents', 'idempotency_key', 'portal_user_id')).toEqual({ amount_cents: 80_000, idempotency_key: `approval:${approvalId}`, portal_user_id: ap.id });
    expect((await owner.session.send('post', `/api/portal/payment-approvals/${approvalId}/approve`).expect(409)).body.error.code).toBe('approval_not_pending');
    await eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe('settled'), 30_000);
    expect(await stack.db('invoices').where({ id: inv.id }).first('balance_cents', 'reserved_cents', 'status')).toEqual({ balance_cents: 0, reserved_cents: 0, status: 'paid' });
    expect(await stack.db('audit_events').where({ entity_type: 'payment_approval', entity_id: approvalId }).orderBy('id').pluck('action')).toEqual(['payment_approval.requested', 'payment_approval.approved']);
    const workflow = await stack.temporal.workflow.getHandle(`payment-approval-${approvalId}`).result();
    expect(workflow).toBe('decided');

    // Exactly the threshold, by the project manager, is paid at once; so is an owner's payment above it.
    expect((await pay(pm.session, [(await invoice(50_000, jobA.id)).id]).expect(201)).body.payment.amountCents).toBe(50_000);
    await pay(owner.session, [(await invoice(90_000, jobB.id)).id]).expect(201);
  });

  it('an approval nobody decides reminds the owners, then lapses: the items are free again and the requester is told', async () => {
    await owner.session.send('put', '/api/portal/team/approval-threshold', { approvalThresholdCents: 50_000 }).expect(200);
    const inv = await invoice(70_000, jobA.id);
    const asked = await pay(pm.session, [inv.id]).expect(202);
    const approvalId = asked.body.approval.id as string;
    expect(await stack.db('invoices').where({ id: inv.id }).first('reserved_cents')).toEqual({ reserved_cents: 70_000 });

    const reminder = await waitForEmail(sink, ownerEmail, (m) => m.subject === 'Reminder: a payment of $700.00 is waiting for your approval', APPROVAL_TIMEOUT_MS + 10_000);
    expect(reminder.links.some((link) => link.endsWith('/portal/#/approvals'))).toBe(true);
    await eventually(async () => expect(await stack.db('payment_approvals').where({ id: approvalId }).first('status')).toEqual({ status: 'expired' }), APPROVAL_TIMEOUT_MS + 20_000);
    expect(await stack.db('invoices').where({ id: inv.id }).first('reserved_cents', 'balance_cents')).toEqual({ reserved_cents: 0, balance_cents: 70_000 });
    await waitForEmail(sink, pm.email, (m) => m.subject === 'Your payment of $700.00 expired without approval', MAIL_WAIT_MS);
    expect(await stack.db('payments').where({ company_id: owner.companyId, idempotency_key: `approval:${approvalId}` })).toEqual([]);
    expect((await owner.session.send('post', `/api/portal/payment-approvals/${approvalId}/approve`).expect(409)).body.error.code).toBe('approval_not_pending');
    const actions = await stack.db('audit_events').where({ entity_type: 'payment_approval', entity_id: approvalId }).orderBy('id').select('action', 'actor_kind');
    expect(actions).toEqual([{ action: 'payment_approval.requested', actor_kind: 'customer' }, { action: 'payment_approval.expired', actor_kind: 'system' }]);
    expect(Number((await stack.db('payment_approvals').where({ id: approvalId }).first('reminders_sent')).reminders_sent)).toBeGreaterThanOrEqual(1);
    // The item can be paid again at once (by an owner: no approval).
    await pay(owner.session, [inv.id]).expect(201);
  });

  it('a declined payment frees its items and tells the requester why', async () => {
    await owner.session.send('put', '/api/portal/team/approval-threshold', { approvalThresholdCents: 50_000 }).expect(200);
    const inv = await invoice(60_000, jobA.id);
    const approvalId = (await pay(ap.session, [inv.id]).expect(202)).body.approval.id as string;
    const declined = await owner.session.send('post', `/api/portal/payment-approvals/${approvalId}/decline`, { reason: 'Wait for the draw on Maple Street' }).expect(200);
    expect(declined.body.approval).toMatchObject({ status: 'declined', declineReason: 'Wait for the draw on Maple Street', canDecide: false });
    expect(await stack.db('invoices').where({ id: inv.id }).first('reserved_cents')).toEqual({ reserved_cents: 0 });
    const told = await waitForEmail(sink, ap.email, (m) => m.subject === 'Your payment of $600.00 was declined', MAIL_WAIT_MS);
    expect(told.text).toContain('Wait for the draw on Maple Street');
  });

  it('a scheduled payment above the threshold waits for an owner too; approved, it is scheduled for its date as the requester\'s', async () => {
    await owner.session.send('put', '/api/portal/team/approval-threshold', { approvalThresholdCents: 50_000 }).expect(200);
    const inv = await invoice(75_000, jobA.id);
    const scheduledFor = addDays(today, 5);
    const key = randomUUID();
    const schedule = (session: CustomerSession) => session.agent.post('/api/portal/scheduled-payments').set('X-CSRF-Token', session.csrfToken).set('Idempotency-Key', key)
      .send({ ...payBody([inv.id]), scheduledFor, achAuthorizationVersion: CURRENT_SCHEDULED_ACH_AUTHORIZATION_VERSION });
    const asked = await schedule(pm.session).expect(202);
    expect(asked.body.approval).toMatchObject({ status: 'awaiting_approval', amountCents: 75_000, scheduledFor, scheduledPaymentId: null, paymentId: null, requestedBy: { id: pm.id } });
    const approvalId = asked.body.approval.id as string;
    // Nothing is scheduled yet, the item is held, and pressing Schedule again is the same approval.
    expect(await stack.db('scheduled_payments').where({ company_id: owner.companyId, idempotency_key: key })).toEqual([]);
    expect(await stack.db('invoices').where({ id: inv.id }).first('reserved_cents')).toEqual({ reserved_cents: 75_000 });
    expect((await schedule(pm.session).expect(202)).body.approval.id).toBe(approvalId);
    const asking = await waitForEmail(sink, ownerEmail, (m) => m.subject.startsWith('Approve a payment of $750.00'), MAIL_WAIT_MS);
    expect(asking.text).toContain(`on ${scheduledFor}`);

    const approved = await owner.session.send('post', `/api/portal/payment-approvals/${approvalId}/approve`).expect(200);
    expect(approved.body.approval).toMatchObject({ status: 'approved', scheduledFor, scheduledPaymentId: expect.any(String), paymentId: null });
    const scheduledPaymentId = approved.body.approval.scheduledPaymentId as string;
    const row = await stack.db('scheduled_payments').where({ id: scheduledPaymentId }).first('status', 'scheduled_for', 'portal_user_id', 'idempotency_key', 'quoted_amount_cents', 'run_at');
    expect(row).toMatchObject({ status: 'scheduled', scheduled_for: scheduledFor, portal_user_id: pm.id, idempotency_key: `approval:${approvalId}`, quoted_amount_cents: 75_000 });
    // The approval's hold became the schedule's: held once, not twice, not released in between for good.
    expect(await stack.db('invoices').where({ id: inv.id }).first('reserved_cents')).toEqual({ reserved_cents: 75_000 });
    expect(new Date((await stack.db('payment_approvals').where({ id: approvalId }).first('expires_at')).expires_at).getTime()).toBeLessThanOrEqual(new Date(row.run_at).getTime());
    // The requester sees the schedule in Payments; nothing was paid today.
    const listed = await pm.session.get('/api/portal/scheduled-payments').expect(200);
    expect(listed.body.scheduledPayments.map((scheduled: { id: string }) => scheduled.id)).toContain(scheduledPaymentId);
    expect(await stack.db('payments').where({ company_id: owner.companyId, idempotency_key: `approval:${approvalId}` })).toEqual([]);
    expect(await stack.db('audit_events').where({ entity_type: 'payment_approval', entity_id: approvalId }).orderBy('id').pluck('action')).toEqual(['payment_approval.requested', 'payment_approval.approved']);
    // An owner schedules above the threshold without asking anyone.
    const mine = await owner.session.agent.post('/api/portal/scheduled-payments').set('X-CSRF-Token', owner.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ ...payBody([(await invoice(90_000, jobB.id)).id]), scheduledFor, achAuthorizationVersion: CURRENT_SCHEDULED_ACH_AUTHORIZATION_VERSION });
    expect(mine.status).toBe(201);
    await owner.session.send('put', '/api/portal/team/approval-threshold', { approvalThresholdCents: null }).expect(200);
  });

  it('a job pay link pays exactly its job\'s open items, without a login, and stops working when revoked or expired', async () => {
    const jobC = await createJob(stack.db, stack.dealerId, owner.accountId, 'Cedar Lane remodel');
    const suffix = randomUUID().slice(0, 6);
    const [c1, c2, other, loose] = [
      await invoice(30_000, jobC.id, `JL-C1-${suffix}`), await invoice(20_000, jobC.id, `JL-C2-${suffix}`),
      await invoice(45_000, jobB.id, `JL-B-${suffix}`), await invoice(5_000, null, `JL-X-${suffix}`),
    ];
    await pm.session.send('post', '/api/portal/job-pay-links', { jobId: jobC.id }).expect(403);
    await owner.session.send('post', '/api/portal/job-pay-links', { jobId: randomUUID() }).expect(404);
    const made = await owner.session.send('post', '/api/portal/job-pay-links', { jobId: jobC.id, payerLabel: 'Summit GC', expiresInDays: 7 }).expect(201);
    expect(made.body).toMatchObject({ jobId: jobC.id, jobName: jobC.name, payerLabel: 'Summit GC', status: 'active', url: expect.stringContaining('/portal/#/job-link?token=') });
    const token = decodeURIComponent(new URL(made.body.url.replace('#/', 'hash/')).searchParams.get('token')!);
    // The list never answers the link again: only its hash is kept.
    const listed = await owner.session.get('/api/portal/job-pay-links').expect(200);
    expect(listed.body.links.find((link: { id: string }) => link.id === made.body.id)).not.toHaveProperty('url');

    const guest = request(stack.app);
    const base = `/api/portal/job-links/${encodeURIComponent(token)}`;
    const view = await guest.get(base).expect(200);
    expect(view.body).toMatchObject({ jobName: jobC.name, payerLabel: 'Summit GC', totalCents: 50_000, paymentMethods: [] });
    expect(view.body.items.map((item: { number: string; openCents: number }) => [item.number, item.openCents])).toEqual([[c1.invoice_number, 30_000], [c2.invoice_number, 20_000]]);
    const account = await stack.db('customer_accounts').where({ id: owner.accountId }).first('name', 'erp_account_id');
    for (const hidden of [other.invoice_number, loose.invoice_number, jobB.name, account.name, account.erp_account_id, owner.bankMethodId, ownerEmail]) expect(view.text).not.toContain(hidden);

    // The payer links their own bank account under the link, then pays.
    const linkToken = await guest.post(`${base}/plaid/link-token`).expect(200);
    const plaid = await completePlaidLink(stack.emulators.plaid, linkToken.body.linkToken, 'ins_dp_prairie', 'checking');
    const bank = await guest.post(`${base}/plaid/exchange`).send(plaid).expect(201);
    const body = { paymentMethodId: bank.body.id, achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION };
    // The contractor's own saved bank account is not the payer's to use.
    await guest.post(`${base}/preview`).send({ ...body, paymentMethodId: owner.bankMethodId }).expect(404);
    const preview = await guest.post(`${base}/preview`).send(body).expect(200);
    expect(preview.body).toMatchObject({ amountCents: 50_000, errors: [] });
    expect(preview.body.lines.map((line: { number: string }) => line.number).sort()).toEqual([c1.invoice_number, c2.invoice_number].sort());
    const key = randomUUID();
    const paid = await guest.post(`${base}/payments`).set('Idempotency-Key', key).send(body).expect(201);
    expect((await guest.post(`${base}/payments`).set('Idempotency-Key', key).send(body).expect(200)).body.payment.id).toBe(paid.body.payment.id);
    const paymentId = paid.body.payment.id as string;
    await eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe('settled'), 30_000);
    const applied = await stack.db('payment_applications').where({ payment_id: paymentId }).orderBy('invoice_id').select('invoice_id', 'amount_cents');
    expect(applied.map((row) => [row.invoice_id, Number(row.amount_cents)]).sort()).toEqual([[c1.id, 30_000], [c2.id, 20_000]].sort());
    expect(await stack.db('invoices').whereIn('id', [other.id, loose.id]).pluck('status')).toEqual(['open', 'open']);
    const payment = await stack.db('payments').where({ id: paymentId }).first('company_id', 'customer_account_id', 'portal_user_id');
    expect(payment).toMatchObject({ customer_account_id: owner.accountId, portal_user_id: null });
    expect(payment.company_id).not.toBe(owner.companyId);
    expect((await guest.get(`${base}/payments/${paymentId}`).expect(200)).body.payment).toMatchObject({ id: paymentId, amountCents: 50_000 });
    // Nothing left on the job: paying again says so.
    expect((await guest.post(`${base}/payments`).set('Idempotency-Key', randomUUID()).send(body).expect(409)).body.error.code).toBe('nothing_to_pay');

    // The dealer makes one from the console for job B; revoked, it opens nothing.
    const dealerLink = await stack.operator.send('post', `/api/operator/jobs/${jobB.id}/pay-links`, { payerLabel: 'Joint check: First Bank' }).expect(201);
    const dealerToken = decodeURIComponent(new URL(dealerLink.body.url.replace('#/', 'hash/')).searchParams.get('token')!);
    expect((await guest.get(`/api/portal/job-links/${encodeURIComponent(dealerToken)}`).expect(200)).body.items.map((item: { number: string }) => item.number)).toContain(other.invoice_number);
    await stack.operator.send('post', `/api/operator/job-pay-links/${dealerLink.body.id}/revoke`).expect(200);
    expect((await guest.get(`/api/portal/job-links/${encodeURIComponent(dealerToken)}`).expect(404)).body.error.code).toBe('pay_link_unusable');
    // An expired link is refused the same way.
    await stack.db('job_pay_links').where({ id: made.body.id }).update({ expires_at: new Date(Date.now() - 1000) });
    expect((await guest.get(base).expect(404)).body.error.code).toBe('pay_link_unusable');
    expect(await stack.db('audit_events').where({ entity_type: 'job_pay_link', entity_id: dealerLink.body.id }).orderBy('id').pluck('action')).toEqual(['job_pay_link.created', 'job_pay_link.revoked']);
  });
});
