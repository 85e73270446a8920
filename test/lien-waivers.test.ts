import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { localDate } from '../domain/dates';
import { ensureLienWaiverReleaseSchedule, LIEN_WAIVER_RELEASE_SCHEDULE_ID, releaseLienWaiversNow } from '../workflows/lien-waiver-release-client';
import { eventually } from './support/eventually';
import { createDealer, createOperator, listQuery, signIn } from './support/operator';
import { linkCard, payingCustomer, paymentStatus, startPaymentStack, submitPayment, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { pdfText } from './support/pdf-text';
import { createCustomerAccount, createInvoice, createPortalCustomer, signInCustomer } from './support/portal';

/**
 * Lien waivers through the real path: a payment submitted in the portal, settled by the Moov
 * emulator and its webhooks, the release pass run as the schedule runs it, a return booked
 * from the processor; waivers read and downloaded through both apps' HTTP routes, their PDFs
 * read back as text. The windows after which money is final are counted in calendar dates
 * (60 days for ACH, 120 for cards), so a payment is made to have settled that long ago rather
 * than waited for.
 */
jest.setTimeout(180_000);

const pdf = (test: request.Test) => test.buffer(true).parse((res, done) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
});
const pdfWords = (body: unknown) => pdfText(body as Buffer).join(' ').replace(/\s+/g, ' ');

describe('lien waivers', () => {
  let stack: PaymentStack;

  beforeAll(async () => {
    stack = await startPaymentStack({ businessDayMs: 1_000, dealer: { name: `Ridgeline Lumber ${randomUUID().slice(0, 4)}`, time_zone: 'America/Chicago' } });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const waitForStatus = (paymentId: string, status: string) => eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe(status), 60_000);
  const release = () => releaseLienWaiversNow(stack.temporal, stack.taskQueue, randomUUID(), { dealerId: stack.dealerId });

  /** A customer in Texas with two jobs, and an invoice on each plus one on no job. */
  async function customerWithJobs(): Promise<{ customer: PayingCustomer; jobs: Array<{ id: string; name: string; erp: string }>; invoiceIds: string[] }> {
    const customer = await payingCustomer(stack);
    await stack.db('customer_accounts').where({ id: customer.accountId }).update({ state: 'TX', address_line1: '400 Mill Rd', city: 'Austin', postal_code: '78701' });
    const jobs = [];
    for (const name of ['Lot 14 Maple Ridge', 'Oak Street duplex']) {
      const erp = `J-${randomUUID().slice(0, 6)}`;
      const [job] = await stack.db('jobs').insert({ dealer_id: stack.dealerId, customer_account_id: customer.accountId, erp_job_id: erp, name }).returning('id');
      jobs.push({ id: job.id as string, name, erp });
    }
    const invoiceIds = [
      (await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 1_234_56, dueDate: '2026-12-15', jobId: jobs[0]!.id })).id,
      (await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 500_00, dueDate: '2026-12-15', jobId: jobs[0]!.id })).id,
      (await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 310_00, dueDate: '2026-12-15', jobId: jobs[1]!.id })).id,
      (await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 99_00, dueDate: '2026-12-15' })).id,
    ];
    return { customer, jobs, invoiceIds };
  }

  it('issues a conditional waiver per job at submit, in the form chosen for the state, and releases the unconditional ones once the money is final', async () => {
    await stack.operator.send('put', '/api/operator/settings/lien-waivers', { forms: [{ state: 'tx', form: 'final' }] }).expect(200);
    const { customer, jobs, invoiceIds } = await customerWithJobs();
    const payment = await submitPayment(stack, customer, customer.bankMethodId, invoiceIds);

    // Written with the payment: there the moment the submit answered.
    const listed = (await customer.session.get(`/api/portal/lien-waivers?paymentId=${payment.id}`).expect(200)).body.waivers as Array<Record<string, any>>;
    expect(listed).toHaveLength(2);
    const submittedAt = (await stack.db('payments').where({ id: payment.id }).first('submitted_at')).submitted_at as Date;
    const maple = listed.find((waiver) => waiver.job_id === jobs[0]!.id)!;
    expect(maple).toMatchObject({ kind: 'conditional', form: 'final', state: 'TX', status: 'active', amount_cents: 1_734_56, through_date: localDate(submittedAt, 'America/Chicago'), payment_number: payment.number, job_name: 'Lot 14 Maple Ridge' });
    expect(listed.find((waiver) => waiver.job_id === jobs[1]!.id)).toMatchObject({ kind: 'conditional', amount_cents: 310_00 });

    const conditional = pdfWords((await pdf(customer.session.get(`/api/portal/lien-waivers/${maple.id}/pdf`)).expect(200).expect('Content-Type', 'application/pdf')).body);
    expect(conditional).toContain('CONDITIONAL WAIVER AND RELEASE ON FINAL PAYMENT');
    expect(conditional).toContain('Lot 14 Maple Ridge');
    expect(conditional).toContain(jobs[0]!.erp);
    expect(conditional).toContain('$1,734.56');
    expect(conditional).toContain(payment.number);
    expect(conditional).toMatch(/Upon receipt by the claimant/);

    // Per job, in the portal and the console alike.
    const byJob = (await customer.session.get(`/api/portal/lien-waivers?jobId=${jobs[1]!.id}`).expect(200)).body.waivers;
    expect(byJob.map((waiver: { job_id: string }) => waiver.job_id)).toEqual([jobs[1]!.id]);
    const consoleByJob = await stack.operator.get(`/api/operator/lien-waivers${listQuery({ filter: { job_id: jobs[0]!.id } })}`).expect(200);
    expect(consoleByJob.body.map((waiver: { id: string }) => waiver.id)).toEqual([maple.id]);

    await waitForStatus(payment.id, 'settled');
    expect(await release()).toMatchObject({ released: 0 });
    expect(await stack.db('lien_waivers').where({ payment_id: payment.id, kind: 'unconditional' })).toHaveLength(0);

    // 61 calendar days ago: Nacha's 60 days for an unauthorized return and the next banking day have passed.
    await stack.db('payments').where({ id: payment.id }).update({ settled_at: new Date(Date.now() - 63 * 24 * 3600_000) });
    expect(await release()).toMatchObject({ released: 2 });
    expect(await release()).toMatchObject({ released: 0 });

    const afterRelease = await stack.operator.get(`/api/operator/lien-waivers${listQuery({ filter: { payment_id: payment.id }, sort: ['kind', 'ASC'] })}`).expect(200);
    expect(afterRelease.body.map((waiver: Record<string, unknown>) => `${waiver.kind}:${waiver.status}:${waiver.amount_cents}`).sort()).toEqual([
      'conditional:replaced:173456', 'conditional:replaced:31000', 'unconditional:active:173456', 'unconditional:active:31000',
    ]);
    const unconditionalId = afterRelease.body.find((waiver: Record<string, unknown>) => waiver.kind === 'unconditional' && waiver.job_id === jobs[0]!.id).id as string;
    const unconditional = pdfWords((await pdf(stack.operator.get(`/api/operator/lien-waivers/${unconditionalId}/pdf`)).expect(200)).body);
    expect(unconditional).toContain('UNCONDITIONAL WAIVER AND RELEASE ON FINAL PAYMENT');
    expect(unconditional).toContain('$1,734.56');
    expect(unconditional).toMatch(/has been paid/);
    const replaced = pdfWords((await pdf(stack.operator.get(`/api/operator/lien-waivers/${maple.id}/pdf`)).expect(200)).body);
    expect(replaced).toContain('Replaced by the unconditional waiver');

    // Who received which: the customer's download and the operator's, in order, on the waiver's page and in the audit log.
    const detail = (await stack.operator.get(`/api/operator/lien-waivers/${maple.id}`).expect(200)).body;
    const portalUser = await stack.db('portal_users').where({ company_id: customer.companyId }).first('email');
    expect(detail.downloads.map((download: Record<string, unknown>) => `${download.actor_kind}:${download.actor_email}`)).toEqual([
      `customer:${portalUser.email}`, `operator:${(await stack.db('operator_users').where({ dealer_id: stack.dealerId }).first('email')).email}`,
    ]);
    const audit = await stack.operator.get(`/api/operator/audit-events${listQuery({ filter: { entity_type: 'lien_waiver', action: 'lien_waiver.downloaded' }, range: [0, 99] })}`).expect(200);
    expect(audit.body.filter((event: { entity_id: string }) => event.entity_id === maple.id)).toHaveLength(2);
    expect(await stack.db('audit_events').where({ entity_type: 'lien_waiver', action: 'lien_waiver.released' }).whereRaw(`data->>'paymentId' = ?`, [payment.id])).toHaveLength(2);
    await stack.operator.send('put', '/api/operator/settings/lien-waivers', { forms: [] }).expect(200);
  });

  it('voids the payment\'s waivers when its bank returns it, and a void waiver says so', async () => {
    const { customer, jobs, invoiceIds } = await customerWithJobs();
    const payment = await submitPayment(stack, customer, customer.bankMethodId, [invoiceIds[2]!]);
    await waitForStatus(payment.id, 'settled');
    const transferId = (await stack.db('payments').where({ id: payment.id }).first('moov_transfer_id')).moov_transfer_id as string;
    await stack.emulators.moov.admin.returnTransfer(transferId, 'R01');
    await waitForStatus(payment.id, 'returned');

    const [waiver] = (await customer.session.get(`/api/portal/lien-waivers?paymentId=${payment.id}`).expect(200)).body.waivers;
    expect(waiver).toMatchObject({ job_id: jobs[1]!.id, kind: 'conditional', form: 'progress', status: 'void', payment_status: 'returned', void_reason: 'The payment was returned by the bank.' });
    const text = pdfWords((await pdf(customer.session.get(`/api/portal/lien-waivers/${waiver.id}/pdf`)).expect(200)).body);
    expect(text).toContain('VOID: The payment was returned by the bank.');
    expect(text).toContain('CONDITIONAL WAIVER AND RELEASE ON PROGRESS PAYMENT');

    // A returned payment never gets its unconditional waiver, however long ago it settled.
    await stack.db('payments').where({ id: payment.id }).update({ settled_at: new Date(Date.now() - 200 * 24 * 3600_000) });
    await release();
    expect(await stack.db('lien_waivers').where({ payment_id: payment.id, kind: 'unconditional' })).toHaveLength(0);
  });

  it('holds a disputed card payment\'s waiver while the dispute runs, and voids it when the chargeback is lost', async () => {
    const { customer, jobs, invoiceIds } = await customerWithJobs();
    const cardId = await linkCard(stack, customer);
    const payment = await submitPayment(stack, customer, cardId, [invoiceIds[2]!]);
    await waitForStatus(payment.id, 'settled');
    const transferId = (await stack.db('payments').where({ id: payment.id }).first('moov_transfer_id')).moov_transfer_id as string;
    const dispute = await stack.emulators.moov.admin.disputeTransfer(transferId);
    await waitForStatus(payment.id, 'disputed');

    // 121 days on, but undecided: the money may still go back, so nothing is released.
    await stack.db('payments').where({ id: payment.id }).update({ settled_at: new Date(Date.now() - 125 * 24 * 3600_000) });
    await release();
    expect(await stack.db('lien_waivers').where({ payment_id: payment.id }).select('kind', 'status')).toEqual([{ kind: 'conditional', status: 'active' }]);

    await stack.emulators.moov.admin.resolveDispute(transferId, dispute.disputeID, 'lost');
    await waitForStatus(payment.id, 'charged_back');
    const [waiver] = (await customer.session.get(`/api/portal/lien-waivers?jobId=${jobs[1]!.id}`).expect(200)).body.waivers;
    expect(waiver).toMatchObject({ payment_id: payment.id, status: 'void', void_reason: 'The payment was charged back by the card issuer.' });
  });

  it('releases the unconditional waiver for what stayed after a partial refund, and voids the waivers of a payment refunded in full', async () => {
    const { customer, jobs, invoiceIds } = await customerWithJobs();
    const partly = await submitPayment(stack, customer, customer.bankMethodId, [invoiceIds[0]!, invoiceIds[2]!]);
    await waitForStatus(partly.id, 'settled');
    const oakApplication = await stack.db('payment_applications').where({ payment_id: partly.id, invoice_id: invoiceIds[2]! }).first('id');
    await stack.operator.send('post', `/api/operator/payments/${partly.id}/refund`, { request_id: randomUUID(), reason: 'Two bundles of studs came back', items: [{ application_id: String(oakApplication.id), amount_cents: 120_00 }] }).expect(200);
    await stack.db('payments').where({ id: partly.id }).update({ settled_at: new Date(Date.now() - 63 * 24 * 3600_000) });
    expect(await release()).toMatchObject({ released: 2 });
    const unconditional = await stack.db('lien_waivers').where({ payment_id: partly.id, kind: 'unconditional' }).select('job_id', 'amount_cents');
    expect(Object.fromEntries(unconditional.map((waiver) => [waiver.job_id, Number(waiver.amount_cents)]))).toEqual({ [jobs[0]!.id]: 1_234_56, [jobs[1]!.id]: 190_00 });

    const whole = await submitPayment(stack, customer, customer.bankMethodId, [invoiceIds[1]!]);
    await waitForStatus(whole.id, 'settled');
    await stack.operator.send('post', `/api/operator/payments/${whole.id}/refund`, { request_id: randomUUID(), reason: 'Order cancelled' }).expect(200);
    await waitForStatus(whole.id, 'refunded');
    const [voided] = (await stack.operator.get(`/api/operator/lien-waivers${listQuery({ filter: { payment_id: whole.id } })}`).expect(200)).body;
    expect(voided).toMatchObject({ kind: 'conditional', status: 'void', void_reason: 'The payment was refunded in full.', payment_status: 'refunded' });
  });

  it('keeps a payment on no job free of waivers, and refuses a bad form setting naming the field', async () => {
    const { customer, invoiceIds } = await customerWithJobs();
    const payment = await submitPayment(stack, customer, customer.bankMethodId, [invoiceIds[3]!]);
    expect((await customer.session.get(`/api/portal/lien-waivers?paymentId=${payment.id}`).expect(200)).body.waivers).toEqual([]);

    const refused = await stack.operator.send('put', '/api/operator/settings/lien-waivers', { forms: [{ state: 'ZZ', form: 'final' }, { state: 'TX', form: 'partial' }] }).expect(400);
    expect(refused.body.error.message).toMatch(/forms\.0\.state/);
    expect(refused.body.error.message).toMatch(/forms\.1\.form/);
    const twice = await stack.operator.send('put', '/api/operator/settings/lien-waivers', { forms: [{ state: 'TX', form: 'final' }, { state: 'tx', form: 'progress' }] }).expect(400);
    expect(twice.body.error.message).toMatch(/forms\.1\.state: lists TX twice/);
    await stack.operator.get(`/api/operator/lien-waivers${listQuery({ filter: { payment_id: 'nope' } })}`).expect(400);

    const ar = await signIn(stack.app, (await createOperator(stack.db, stack.dealerId, { role: 'ar_operator' })).email);
    await ar.send('put', '/api/operator/settings/lien-waivers', { forms: [] }).expect(403);
    expect((await ar.get('/api/operator/settings/lien-waivers').expect(200)).body).toMatchObject({ default_form: 'progress', forms: [] });
  });

  it('runs the release from one schedule for the cluster: the first worker creates it, the others find it', async () => {
    try {
      expect(await ensureLienWaiverReleaseSchedule(stack.temporal, stack.taskQueue)).toBe('created');
      expect(await ensureLienWaiverReleaseSchedule(stack.temporal, stack.taskQueue)).toBe('existing');
      const description = await stack.temporal.schedule.getHandle(LIEN_WAIVER_RELEASE_SCHEDULE_ID).describe();
      expect(description.action).toMatchObject({ workflowType: 'lienWaiverReleaseWorkflow', taskQueue: stack.taskQueue });
    } finally {
      await stack.temporal.schedule.getHandle(LIEN_WAIVER_RELEASE_SCHEDULE_ID).delete().catch(() => undefined);
    }
  });

  it('shows a waiver to its dealer\'s operators and its accounts\' customers only', async () => {
    const { customer, invoiceIds } = await customerWithJobs();
    const payment = await submitPayment(stack, customer, customer.bankMethodId, [invoiceIds[0]!]);
    const waiverId = (await stack.db('lien_waivers').where({ payment_id: payment.id }).first('id')).id as string;

    const otherDealer = await createDealer(stack.db);
    const stranger = await signIn(stack.app, (await createOperator(stack.db, otherDealer.id)).email);
    await stranger.get(`/api/operator/lien-waivers/${waiverId}`).expect(404);
    await stranger.get(`/api/operator/lien-waivers/${waiverId}/pdf`).expect(404);
    expect((await stranger.get(`/api/operator/lien-waivers${listQuery({ filter: { payment_id: payment.id } })}`).expect(200)).body).toEqual([]);

    // Another contractor of the same dealer.
    const account = await createCustomerAccount(stack.db, stack.dealerId);
    const other = await signInCustomer(stack.app, (await createPortalCustomer(stack.db, [{ id: account.id, dealerId: stack.dealerId }])).email);
    await other.get(`/api/portal/lien-waivers/${waiverId}/pdf`).expect(404);
    expect((await other.get(`/api/portal/lien-waivers?paymentId=${payment.id}`).expect(200)).body.waivers).toEqual([]);
    expect(await stack.db('audit_events').where({ entity_id: waiverId, action: 'lien_waiver.downloaded' })).toHaveLength(0);
  });
});
