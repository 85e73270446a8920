import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createReminderActivities } from '../activities/reminders';
import type { Db } from '../db/connection';
import { addDays, localDate } from '../domain/dates';
import { portalPayLink } from '../domain/portal-links';
import { logger } from '../runtime/logger';
import { ensureReminders, requestRemindersRun } from '../workflows/reminders-client';
import { remindersStateQuery, remindersWorkflowId } from '../workflows/reminders-definitions';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { createDealer, createOperator, signIn, startOperatorApp, type SignedIn, type TestApp } from './support/operator';
import { emailCount, startMailSink, waitForEmail } from './support/portal';
import { startTestWorker } from './support/temporal';

/**
 * Payment reminders (docs/reminders.md) with a compressed clock: the day's run is asked for
 * dealer-local dates around an item's due date, as the `reminders-<dealerId>` workflow asks
 * for its own day at 08:00; the emails are read from the SMTP sink, the sent log from the
 * console's Emails list. One test runs the workflow itself.
 */
jest.setTimeout(90_000);

const PUBLIC_URL = 'http://ar.example.test:8080';
const DUE = '2027-03-15';

describe('payment reminders', () => {
  let db: Db;
  let app: TestApp;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let admin: SignedIn;
  let clerk: SignedIn;
  let dealerId: string;
  let otherDealerId: string;
  let reminders: ReturnType<typeof createReminderActivities>;

  beforeAll(async () => {
    db = testDb();
    sink = await startMailSink();
    app = await startOperatorApp(db, { PUBLIC_URL, SMTP_URL: sink.smtpUrl });
    dealerId = (await createDealer(db, { name: 'Alder Creek Lumber', integration_mode: 'file', time_zone: 'America/Denver' })).id;
    otherDealerId = (await createDealer(db, { integration_mode: 'file' })).id;
    admin = await signIn(app.app, (await createOperator(db, dealerId, { role: 'admin' })).email);
    clerk = await signIn(app.app, (await createOperator(db, dealerId, { role: 'ar_operator' })).email);
    reminders = createReminderActivities({ db, logger, config: testConfig({ SMTP_URL: sink.smtpUrl, PUBLIC_URL }), temporal: undefined as unknown as Client, taskQueue: 'unused' });
  });
  afterAll(async () => {
    await app.close();
    await sink.stop();
    await db.destroy();
  });

  async function createAccount(dealer: string, invoices: Array<{ number: string; dueDate: string; cents: number }>, contacts = 1) {
    const label = randomUUID().slice(0, 6);
    const [account] = await db('customer_accounts').insert({ dealer_id: dealer, erp_account_id: `R-${label}`, name: `Framers ${label}` }).returning('id');
    const emails: string[] = [];
    for (let index = 0; index < contacts; index += 1) {
      const email = `ap-${index}-${label}@contractor.test`;
      await db('contacts').insert({ dealer_id: dealer, customer_account_id: account.id, erp_contact_id: `C-${label}-${index}`, name: `Payables ${index}`, email, is_primary: index === 0 });
      emails.push(email);
    }
    const ids = new Map<string, string>();
    for (const invoice of invoices) {
      const [row] = await db('invoices').insert({
        dealer_id: dealer, customer_account_id: account.id, invoice_number: `${invoice.number}-${label}`, invoice_date: '2027-01-15', due_date: invoice.dueDate,
        amount_cents: invoice.cents, balance_cents: invoice.cents,
      }).returning('id');
      ids.set(invoice.number, row.id);
    }
    return { accountId: account.id as string, label, emails, ids };
  }

  const runOn = (date: string, dealer = dealerId) => reminders.sendDealerReminders({ dealerId: dealer, localDate: date });
  const remindersTo = async (to: string) => {
    const response = await fetch(`${sink.http.url}/api/messages?to=${encodeURIComponent(to)}`);
    return ((await response.json()) as Array<{ subject: string; text: string; links: string[] }>);
  };

  /** A dealer of the test's own (so other tests' items never match), reminders on with these rules. */
  async function turnOn(rules: unknown[]) {
    dealerId = (await createDealer(db, { name: 'Alder Creek Lumber', integration_mode: 'file', time_zone: 'America/Denver' })).id;
    admin = await signIn(app.app, (await createOperator(db, dealerId, { role: 'admin' })).email);
    clerk = await signIn(app.app, (await createOperator(db, dealerId, { role: 'ar_operator' })).email);
    await admin.send('put', '/api/operator/settings/reminders', { enabled: true, rules }).expect(200);
  }

  it('starts off with a default cadence; admins change it (audited), clerks may not, and bad rules and placeholders are refused by field', async () => {
    const initial = await clerk.get('/api/operator/settings/reminders').expect(200);
    expect(initial.body).toMatchObject({ id: 'reminders', enabled: false, updated_at: null, rules: expect.arrayContaining([{ kind: 'on_due' }, { kind: 'statement_ready' }]) });
    expect(initial.body.placeholders).toEqual(expect.arrayContaining(['customer_name', 'items_table', 'total_due', 'pay_link', 'dealer_name']));
    expect(await runOn(DUE)).toMatchObject({ status: 'disabled', emails: 0 });

    await clerk.send('put', '/api/operator/settings/reminders', { enabled: true }).expect(403);
    const unknown = await admin.send('put', '/api/operator/settings/reminders', { body_template: 'Hi {{customer}}, {{items_table}}' }).expect(400);
    expect(unknown.body.error.details).toEqual([expect.objectContaining({ field: 'body_template', message: expect.stringContaining('{{customer}}') })]);
    const zeroDays = await admin.send('put', '/api/operator/settings/reminders', { rules: [{ kind: 'past_due', days: 0 }] }).expect(400);
    expect(zeroDays.body.error.details).toEqual([expect.objectContaining({ field: 'rules.0.days' })]);
    const twice = await admin.send('put', '/api/operator/settings/reminders', { rules: [{ kind: 'on_due' }, { kind: 'on_due' }] }).expect(400);
    expect(twice.body.error.details).toEqual([expect.objectContaining({ field: 'rules', message: 'must not repeat a rule' })]);
    const multiLine = await admin.send('put', '/api/operator/settings/reminders', { subject_template: 'a\nb' }).expect(400);
    expect(multiLine.body.error.details).toEqual([expect.objectContaining({ field: 'subject_template' })]);

    const saved = await admin.send('put', '/api/operator/settings/reminders', {
      enabled: true, rules: [{ kind: 'before_due', days: 7 }, { kind: 'on_due' }, { kind: 'past_due', days: 7 }],
      subject_template: '{{dealer_name}}: {{total_due}} for {{customer_name}}',
    }).expect(200);
    expect(saved.body).toMatchObject({ enabled: true, rules: [{ kind: 'before_due', days: 7 }, { kind: 'on_due' }, { kind: 'past_due', days: 7 }], updated_at: expect.any(String) });
    const audit = await db('audit_events').where({ dealer_id: dealerId, action: 'dealer.reminder_settings_updated' }).first();
    expect(audit.data.changes).toMatchObject({ enabled: { from: false, to: true }, subject_template: { to: '{{dealer_name}}: {{total_due}} for {{customer_name}}' } });
  });

  it('follows the cadence: 7 days before due, on the due date and 7 days past due, and nothing on the days between', async () => {
    await turnOn([{ kind: 'before_due', days: 7 }, { kind: 'on_due' }, { kind: 'past_due', days: 7 }]);
    const customer = await createAccount(dealerId, [{ number: 'INV-A', dueDate: DUE, cents: 1_234_56 }]);
    const to = customer.emails[0]!;
    const rulesByDay: Array<[string, string | null]> = [
      [addDays(DUE, -8), null], [addDays(DUE, -7), 'before_due:7'], [addDays(DUE, -6), null], [addDays(DUE, -1), null],
      [DUE, 'on_due'], [addDays(DUE, 1), null], [addDays(DUE, 7), 'past_due:7'], [addDays(DUE, 8), null], [addDays(DUE, 30), null],
    ];
    let expected = 0;
    for (const [day, rule] of rulesByDay) {
      await runOn(day);
      if (rule) expected += 1;
      // The run asks the relay to send at once; give the sink its moment before counting.
      if (rule) await waitForEmail(sink, to, () => true).then(async () => {
        for (let i = 0; i < 50 && (await emailCount(sink, to)) < expected; i += 1) await new Promise((r) => setTimeout(r, 100));
      });
      expect(await emailCount(sink, to)).toBe(expected);
    }
    const mail = await remindersTo(to);
    expect(mail).toHaveLength(3);
    const subject = "Alder Creek Lumber: $1,234.56 due on your account";
    expect(mail.every((message) => message.subject === subject)).toBe(true);
    const texts = mail.map((message) => message.text).join('\n---\n');
    expect(texts).toContain('(7 days before due)');
    expect(texts).toContain('(on the due date)');
    expect(texts).toContain('(7 days past due)');
    expect(texts).toContain(`Invoice INV-A-${customer.label}`);

    // The sent log on the customer page: kind and rule of each.
    const log = await clerk.get(`/api/operator/customers/${customer.accountId}/emails`).expect(200);
    expect(log.body.map((row: { kind: string; reminderRules: string[] }) => [row.kind, row.reminderRules])).toEqual([
      ['payment_reminder', ['past_due:7']], ['payment_reminder', ['on_due']], ['payment_reminder', ['before_due:7']],
    ]);
    expect(log.body.every((row: { status: string; to: string }) => row.status === 'sent' && row.to === to)).toBe(true);
  });

  it('sends one email per contact per day when two rules match, listing every item with a pay link that selects them all', async () => {
    await turnOn([{ kind: 'before_due', days: 7 }, { kind: 'on_due' }]);
    const customer = await createAccount(dealerId, [{ number: 'INV-B', dueDate: DUE, cents: 100_00 }, { number: 'INV-C', dueDate: addDays(DUE, 7), cents: 250_00 }], 2);
    const first = await runOn(DUE);
    expect(first).toMatchObject({ status: 'sent', emails: 2, items: 2 });
    for (const to of customer.emails) {
      const message = await waitForEmail(sink, to);
      expect(message.text).toContain(`Invoice INV-B-${customer.label}`);
      expect(message.text).toContain(`Invoice INV-C-${customer.label}`);
      expect(message.text).toContain('Total: $350.00');
      expect(message.links).toContain(portalPayLink(PUBLIC_URL, dealerId, [customer.ids.get('INV-B')!, customer.ids.get('INV-C')!]));
    }
    // Again the same day (a retried activity, a run asked for by hand): nothing new.
    expect(await runOn(DUE)).toMatchObject({ emails: 0 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const to of customer.emails) expect(await emailCount(sink, to)).toBe(1);
    const log = await db('reminder_sends').where({ customer_account_id: customer.accountId });
    expect(log).toHaveLength(2);
    expect(log[0].rules.sort()).toEqual(['before_due:7', 'on_due']);
    const listed = await clerk.get(`/api/operator/customers/${customer.accountId}/emails`).expect(200);
    expect(listed.body[0]).toMatchObject({ kind: 'payment_reminder', reminderRules: expect.arrayContaining(['before_due:7', 'on_due']) });
  });

  it('stops once an item is paid or a payment for it is under way', async () => {
    await turnOn([{ kind: 'on_due' }, { kind: 'past_due', days: 7 }]);
    const customer = await createAccount(dealerId, [{ number: 'INV-D', dueDate: DUE, cents: 80_00 }, { number: 'INV-E', dueDate: DUE, cents: 20_00 }]);
    const to = customer.emails[0]!;
    await runOn(DUE);
    const onDue = await waitForEmail(sink, to);
    expect(onDue.links).toContain(portalPayLink(PUBLIC_URL, dealerId, [customer.ids.get('INV-D')!, customer.ids.get('INV-E')!]));

    // INV-D paid; INV-E reserved by a payment in flight.
    await db('invoices').where({ id: customer.ids.get('INV-D') }).update({ balance_cents: 0, status: 'paid' });
    await db('invoices').where({ id: customer.ids.get('INV-E') }).update({ reserved_cents: 20_00 });
    expect(await runOn(addDays(DUE, 7))).toMatchObject({ emails: 0 });
    // The payment failed: the reservation is released and the next reminder names INV-E only.
    await db('invoices').where({ id: customer.ids.get('INV-E') }).update({ reserved_cents: 0 });
    expect(await runOn(addDays(DUE, 7))).toMatchObject({ emails: 1 });
    const pastDue = await waitForEmail(sink, to, (message) => message.text.includes('past due'));
    expect(pastDue.links).toContain(portalPayLink(PUBLIC_URL, dealerId, [customer.ids.get('INV-E')!]));
    expect(pastDue.text).not.toContain('INV-D');
  });

  it('sends nothing to a customer an operator opted out (audited), and again once opted back in', async () => {
    await turnOn([{ kind: 'on_due' }]);
    const customer = await createAccount(dealerId, [{ number: 'INV-F', dueDate: DUE, cents: 50_00 }]);
    const to = customer.emails[0]!;
    const refused = await clerk.send('post', `/api/operator/customers/${customer.accountId}/reminders/opt-out`, {}).expect(400);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'reason' })]);
    const out = await clerk.send('post', `/api/operator/customers/${customer.accountId}/reminders/opt-out`, { reason: 'Pays by check on the 1st; asked us to stop' }).expect(200);
    expect(out.body).toEqual({ id: customer.accountId, opted_out: true });
    await clerk.send('post', `/api/operator/customers/${customer.accountId}/reminders/opt-out`, { reason: 'Twice' }).expect(409);
    const audit = await db('audit_events').where({ entity_id: customer.accountId, action: 'customer.reminders_opted_out' }).first();
    expect(audit.data).toMatchObject({ reason: 'Pays by check on the 1st; asked us to stop' });

    expect(await runOn(DUE)).toMatchObject({ emails: 0 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await emailCount(sink, to)).toBe(0);

    await clerk.send('post', `/api/operator/customers/${customer.accountId}/reminders/opt-in`, {}).expect(200);
    expect((await clerk.get(`/api/operator/customers/${customer.accountId}/reminders`).expect(200)).body).toEqual({ id: customer.accountId, opted_out: false });
    expect(await runOn(DUE)).toMatchObject({ emails: 1 });
    await waitForEmail(sink, to);
  });

  it('reminds about the items of a statement on its statement date (statement ready)', async () => {
    await turnOn([{ kind: 'statement_ready' }]);
    const customer = await createAccount(dealerId, [{ number: 'INV-G', dueDate: '2027-05-10', cents: 70_00 }]);
    const [statement] = await db('statements').insert({
      dealer_id: dealerId, customer_account_id: customer.accountId, statement_number: `ST-${customer.label}`, statement_date: '2027-04-30', balance_cents: 70_00, due_date: '2027-05-25',
    }).returning('id');
    await db('invoices').where({ id: customer.ids.get('INV-G') }).update({ statement_id: statement.id });
    expect(await runOn('2027-04-29')).toMatchObject({ emails: 0 });
    expect(await runOn('2027-04-30')).toMatchObject({ emails: 1 });
    const message = await waitForEmail(sink, customer.emails[0]!);
    expect(message.text).toContain('(statement ready)');
  });

  it('previews a template against a real customer\'s items, and answers 404 for another dealer\'s customer', async () => {
    await turnOn([{ kind: 'before_due', days: 7 }, { kind: 'on_due' }]);
    const customer = await createAccount(dealerId, [{ number: 'INV-H', dueDate: DUE, cents: 99_00 }, { number: 'INV-I', dueDate: '2027-06-01', cents: 1_00 }]);
    const preview = await clerk.send('post', `/api/operator/customers/${customer.accountId}/reminder-preview`, {
      subject_template: 'Hi {{customer_name}}: {{total_due}}', body_template: '{{items_table}}\nPay: {{pay_link}}\n{{dealer_name}}', as_of: DUE,
    }).expect(200);
    expect(preview.body).toMatchObject({
      customer_id: customer.accountId, as_of: DUE, matched_cadence: true, to: customer.emails, subject: `Hi Framers ${customer.label}: $99.00`,
      pay_link: portalPayLink(PUBLIC_URL, dealerId, [customer.ids.get('INV-H')!]), total_cents: 99_00,
      items: [{ item_type: 'invoice', item_id: customer.ids.get('INV-H'), number: `INV-H-${customer.label}`, due_date: DUE, open_cents: 99_00, rule: 'on_due' }],
    });
    expect(preview.body.text).toContain('Alder Creek Lumber');
    // No rule names anything that day: every open item, with the saved templates.
    const anyDay = await clerk.send('post', `/api/operator/customers/${customer.accountId}/reminder-preview`, { as_of: '2027-01-01' }).expect(200);
    expect(anyDay.body).toMatchObject({ matched_cadence: false, total_cents: 100_00 });
    expect(anyDay.body.items).toHaveLength(2);
    await clerk.send('post', `/api/operator/customers/${customer.accountId}/reminder-preview`, { body_template: '{{nope}}' }).expect(400);

    const foreign = await createAccount(otherDealerId, [{ number: 'INV-Z', dueDate: DUE, cents: 5_00 }]);
    const refused = await clerk.send('post', `/api/operator/customers/${foreign.accountId}/reminder-preview`, {}).expect(404);
    expect(JSON.stringify(refused.body)).not.toContain(foreign.label);
    await clerk.send('post', `/api/operator/customers/${foreign.accountId}/reminders/opt-out`, { reason: 'Not yours' }).expect(404);
    await clerk.get(`/api/operator/customers/${foreign.accountId}/reminders`).expect(404);
  });

  it('runs as one workflow per dealer that sleeps until 08:00 in the dealer\'s time zone and sends today\'s reminders when asked', async () => {
    const temporal = await startTestWorker({ db, logger, config: testConfig({ SMTP_URL: sink.smtpUrl, PUBLIC_URL }) });
    try {
      const dealer = await createDealer(db, { name: 'Workflow Lumber', integration_mode: 'file', time_zone: 'America/New_York' });
      const operator = await signIn(app.app, (await createOperator(db, dealer.id, { role: 'admin' })).email);
      await operator.send('put', '/api/operator/settings/reminders', { enabled: true, rules: [{ kind: 'on_due' }] }).expect(200);
      const today = localDate(new Date(), 'America/New_York');
      const customer = await createAccount(dealer.id, [{ number: 'INV-W', dueDate: today, cents: 42_00 }]);

      const first = await ensureReminders(temporal.client, temporal.taskQueue, dealer.id);
      const again = await ensureReminders(temporal.client, temporal.taskQueue, dealer.id);
      expect(again.firstExecutionRunId).toBe(first.firstExecutionRunId);
      const handle = temporal.client.workflow.getHandle(remindersWorkflowId(dealer.id));
      let state = await handle.query(remindersStateQuery).catch(() => null);
      for (let i = 0; i < 100 && !state?.nextRunAt; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        state = await handle.query(remindersStateQuery).catch(() => null);
      }
      const runAt = new Date(state!.nextRunAt!);
      expect(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(runAt)).toBe('08:00');
      expect(runAt.getTime()).toBeGreaterThan(Date.now());

      await requestRemindersRun(temporal.client, temporal.taskQueue, dealer.id);
      const message = await waitForEmail(sink, customer.emails[0]!);
      expect(message.links).toContain(portalPayLink(PUBLIC_URL, dealer.id, [customer.ids.get('INV-W')!]));
      for (let i = 0; i < 100 && !state?.lastRun; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        state = await handle.query(remindersStateQuery).catch(() => null);
      }
      expect(state!.lastRun).toMatchObject({ localDate: today, status: 'sent', emails: 1, items: 1 });
      await handle.terminate('test done');
    } finally {
      await temporal.stop();
    }
  });
});
