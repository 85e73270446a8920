import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createPaymentActivities } from '../activities/payments';
import type { Db } from '../db/connection';
import { queueEmail } from '../db/email-outbox';
import { startSmtpSink, type CaughtMessage } from '../emulators/smtp-sink';
import { createMailer } from '../integrations/mailer';
import { logger } from '../runtime/logger';
import { startEmailRelay } from '../worker/duties';
import { relayDueEmails } from '../services/email-relay';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { eventually } from './support/eventually';
import { createDealer, createOperator, signIn, startOperatorApp, type TestApp } from './support/operator';
import { emailCount, startMailSink, waitForEmail } from './support/portal';
import { createCustomerBook, createSettledPayment, createSettlementDealer } from './support/settlements';

/**
 * The outbox relay: what the product queues in `email_outbox` (operator invitations, payment
 * alerts, customer payment emails) reaches the local SMTP sink exactly once, and a send that
 * fails is retried with backoff rather than lost.
 */
describe('email outbox relay', () => {
  let db: Db;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let testApp: TestApp;
  let dealerId: string;
  const MAIL_FROM = 'Drypowder Payments <payments@drypowder.local>';

  beforeAll(async () => {
    db = testDb();
    sink = await startMailSink();
    testApp = await startOperatorApp(db, { PUBLIC_URL: 'http://ar.example.test:8080' });
    dealerId = (await createDealer(db, { name: 'Northwind Lumber' })).id;
  });
  afterAll(async () => {
    await testApp.close();
    await sink.stop();
    await db.destroy();
  });

  it('delivers an operator invitation and a payment alert queued by the product, once each', async () => {
    const admin = await signIn(testApp.app, (await createOperator(db, dealerId, { role: 'admin', name: 'Ada Admin' })).email);
    const invitee = `new-${randomUUID().slice(0, 6)}@northwind.test`;
    await admin.send('post', '/api/operator/operators', { email: invitee, name: 'Nia Newhire', role: 'ar_operator' }).expect(201);
    const alertTo = `alerts-${randomUUID().slice(0, 6)}@northwind.test`;
    await queueEmail(db, { dealerId, kind: 'payment_alert', to: alertTo, subject: 'Payment P-1 was returned (R02)', text: 'The bank returned payment P-1.', dedupeKey: `alert:${randomUUID()}` });

    // Scoped to this file's dealer: the run's database is shared, and a relay claiming other files'
    // rows would deliver them to this file's sink and queue this file's mail behind their backlog.
    const stop = startEmailRelay(db, { SMTP_URL: sink.smtpUrl, MAIL_FROM }, 200, { dealerId });
    try {
      const invitation = await waitForEmail(sink, invitee, (m) => /invited you to the Northwind Lumber operator console/.test(m.subject));
      expect(invitation.links.some((link) => link.startsWith('http://ar.example.test:8080/admin/#/set-password?token='))).toBe(true);
      await waitForEmail(sink, alertTo, (m) => m.subject === 'Payment P-1 was returned (R02)');
      await eventually(async () => {
        const rows = await db('email_outbox').whereIn('to_address', [invitee, alertTo]).select('status', 'attempts', 'sent_at', 'message_id');
        expect(rows).toHaveLength(2);
        for (const row of rows) expect(row).toMatchObject({ status: 'sent', attempts: 1, sent_at: expect.any(Date), message_id: expect.stringMatching(/^<outbox\./) });
      });
      // Further passes find nothing due: nothing is sent twice.
      await new Promise((resolve) => setTimeout(resolve, 700));
    } finally {
      stop();
    }
    expect(await emailCount(sink, invitee)).toBe(1);
    expect(await emailCount(sink, alertTo)).toBe(1);
  });

  it('records a failed send and retries it later with backoff, then delivers it', async () => {
    const to = `retry-${randomUUID().slice(0, 6)}@contractor.test`;
    const id = await queueEmail(db, { dealerId, kind: 'payment_settled', to, subject: 'Payment P-2 has cleared', text: 'Cleared.', dedupeKey: `test:${randomUUID()}` });
    // Nothing listens on port 9 here: the SMTP connection is refused.
    const down = createMailer({ SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM });
    try {
      expect(await relayDueEmails(db, down, { ids: [id] })).toEqual({ sent: 0, failed: 1 });
    } finally {
      down.close();
    }
    const failed = await db('email_outbox').where({ id }).first('status', 'attempts', 'last_error', db.raw('next_attempt_at - now() as wait'));
    expect(failed).toMatchObject({ status: 'queued', attempts: 1, last_error: expect.stringMatching(/ECONNREFUSED|connect/i) });
    // Not due again at once: the first retry waits about 30 seconds.
    expect(failed.wait.seconds ?? 0).toBeGreaterThanOrEqual(25);
    const up = createMailer({ SMTP_URL: sink.smtpUrl, MAIL_FROM });
    try {
      expect(await relayDueEmails(db, up, { ids: [id] })).toEqual({ sent: 0, failed: 0 });
      await db('email_outbox').where({ id }).update({ next_attempt_at: db.fn.now() });
      expect(await relayDueEmails(db, up, { ids: [id] })).toEqual({ sent: 1, failed: 0 });
    } finally {
      up.close();
    }
    await waitForEmail(sink, to, (m) => m.subject === 'Payment P-2 has cleared');
    expect(await db('email_outbox').where({ id }).first('status', 'attempts', 'last_error')).toEqual({ status: 'sent', attempts: 2, last_error: null });
  });

  it('lets two relays run at once without sending a row twice', async () => {
    const recipients = Array.from({ length: 12 }, (_, index) => `many-${index}-${randomUUID().slice(0, 6)}@contractor.test`);
    for (const to of recipients) await queueEmail(db, { dealerId, kind: 'payment_submitted', to, subject: 'Payment received', text: 'Received.', dedupeKey: `test:${randomUUID()}` });
    const first = createMailer({ SMTP_URL: sink.smtpUrl, MAIL_FROM });
    const second = createMailer({ SMTP_URL: sink.smtpUrl, MAIL_FROM });
    try {
      // Small batches, both relays at once, until every row is out (this dealer's only: see above).
      for (let pass = 0; pass < 20; pass++) {
        await Promise.all([relayDueEmails(db, first, { limit: 3, dealerId }), relayDueEmails(db, second, { limit: 3, dealerId })]);
        if ((await db('email_outbox').whereIn('to_address', recipients).where({ status: 'queued' }).count({ n: '*' }).first())?.n === '0') break;
      }
    } finally {
      first.close();
      second.close();
    }
    for (const to of recipients) {
      await waitForEmail(sink, to);
      expect(await emailCount(sink, to)).toBe(1);
    }
    expect(await db('email_outbox').whereIn('to_address', recipients).pluck('attempts')).toEqual(recipients.map(() => 1));
  });

  it('waits out an SMTP outage and then delivers every queued email exactly once', async () => {
    // A dealer of its own, so this relay sees only this test's mail.
    const outageDealer = (await createDealer(db, { name: 'Outage Lumber' })).id;
    // Learn a free port from a sink, then take the server down: the outage.
    const probe = await startSmtpSink({ smtpPort: 0, httpPort: 0 });
    const port = probe.smtpPort;
    await probe.stop();
    const recipients = Array.from({ length: 8 }, (_, index) => `outage-${index}-${randomUUID().slice(0, 6)}@contractor.test`);
    for (const to of recipients) await queueEmail(db, { dealerId: outageDealer, kind: 'payment_settled', to, subject: `Cleared for ${to}`, text: 'Cleared.', dedupeKey: `test:${randomUUID()}` });

    // Backoff compressed to 200 ms so the outage is waited out within the test.
    const stop = startEmailRelay(db, { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM }, 100, { dealerId: outageDealer, retryDelayMs: () => 200 });
    let back: Awaited<ReturnType<typeof startSmtpSink>> | null = null;
    try {
      // Down: every row fails at least once, and nothing is lost or given up on.
      await eventually(async () => {
        const rows = await db('email_outbox').where({ dealer_id: outageDealer }).select('status', 'attempts', 'last_error');
        expect(rows).toHaveLength(recipients.length);
        for (const row of rows) expect(row).toMatchObject({ status: 'queued', attempts: expect.any(Number), last_error: expect.stringMatching(/ECONNREFUSED|connect/i) });
        expect(Math.min(...rows.map((row) => row.attempts))).toBeGreaterThanOrEqual(2);
      }, 15_000, 100);

      // Up again on the same port.
      back = await startSmtpSink({ smtpPort: port, httpPort: 0 });
      const sink2 = back;
      await eventually(async () => {
        expect(Number((await db('email_outbox').where({ dealer_id: outageDealer, status: 'sent' }).count({ n: '*' }).first())?.n)).toBe(recipients.length);
      }, 20_000, 100);
      // Further passes find nothing due: nothing is sent twice.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const caught = (await (await fetch(`${sink2.http.url}/api/messages`)).json()) as CaughtMessage[];
      const ours = caught.filter((message) => message.to.some((address) => recipients.includes(address)));
      // Sink count = outbox count, and each recipient got exactly one.
      expect(ours).toHaveLength(await db('email_outbox').where({ dealer_id: outageDealer }).count({ n: '*' }).first().then((row) => Number(row?.n)));
      for (const to of recipients) expect(ours.filter((message) => message.to.includes(to))).toHaveLength(1);
      const rows = await db('email_outbox').where({ dealer_id: outageDealer }).select('status', 'attempts', 'last_error', 'smtp_response', 'sent_at');
      for (const row of rows) {
        expect(row).toMatchObject({ status: 'sent', last_error: null, sent_at: expect.any(Date), smtp_response: expect.stringMatching(/^250\b/) });
        expect(row.attempts).toBeGreaterThanOrEqual(3);
      }
    } finally {
      stop();
      await back?.stop();
    }
  });

  it('gives up at once on an address the SMTP server refuses for good, with its answer recorded', async () => {
    const id = await queueEmail(db, { dealerId, kind: 'payment_settled', to: 'nobody@refused.test', subject: 'Refused', text: 'x', dedupeKey: `test:${randomUUID()}` });
    const strict = await startRefusingSmtp();
    const refused = createMailer({ SMTP_URL: `smtp://127.0.0.1:${strict.port}`, MAIL_FROM });
    try {
      expect(await relayDueEmails(db, refused, { ids: [id] })).toEqual({ sent: 0, failed: 1 });
    } finally {
      refused.close();
      await strict.stop();
    }
    expect(await db('email_outbox').where({ id }).first('status', 'attempts', 'smtp_response')).toEqual({ status: 'failed', attempts: 1, smtp_response: expect.stringMatching(/^550 /) });
  });

  it('delivers the operator alert a returned payment writes to every active operator of the dealer', async () => {
    const dealer = await createSettlementDealer(db, null);
    const ops = [await createOperator(db, dealer.id, { role: 'admin' }), await createOperator(db, dealer.id, { role: 'ar_operator' })];
    const book = await createCustomerBook(db, null, dealer, { invoices: [{ number: `INV-${randomUUID().slice(0, 6)}`, amountCents: 500_00 }] });
    const [invoiceNumber] = [...book.invoiceIds.keys()];
    const payment = await createSettledPayment(db, book, [{ kind: 'invoice', number: invoiceNumber!, amountCents: 500_00 }]);
    const activities = createPaymentActivities({ db, logger, config: testConfig({ SMTP_URL: sink.smtpUrl }), temporal: undefined as unknown as Client, taskQueue: 'unused' });
    await activities.returnPayment({ paymentId: payment.id, returnCode: 'R01' });

    const stop = startEmailRelay(db, { SMTP_URL: sink.smtpUrl, MAIL_FROM }, 200, { dealerId: dealer.id });
    try {
      for (const op of ops) {
        const alert = await waitForEmail(sink, op.email, (m) => m.subject === `Payment ${payment.number} was returned (R01)`);
        expect(alert.text).toContain(`The bank returned payment ${payment.number}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      stop();
    }
    for (const op of ops) expect(await emailCount(sink, op.email)).toBe(1);
    const rows = await db('email_outbox').where({ dealer_id: dealer.id, kind: 'payment_alert' }).select('status', 'attempts', 'payment_id', 'smtp_response');
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ status: 'sent', attempts: 1, payment_id: payment.id, smtp_response: expect.stringMatching(/^250\b/) });
  });
});

/** An SMTP server that refuses every recipient for good (550), as a real one does for a mailbox that does not exist. */
async function startRefusingSmtp(): Promise<{ port: number; stop(): Promise<void> }> {
  const { SMTPServer } = await import('smtp-server');
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(Object.assign(new Error('No such mailbox here'), { responseCode: 550 }));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.server.address() as { port: number }).port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
