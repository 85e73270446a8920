import request from 'supertest';
import { hashToken } from '../api/auth/tokens';
import type { Db } from '../db/connection';
import { logger } from '../runtime/logger';
import { invitationWorkflowId } from '../workflows/invitation-definitions';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { createDealer, createOperator, listQuery, signIn, startOperatorApp, type SignedIn, type TestApp } from './support/operator';
import { createCustomerAccount, emailCount, registerFromToken, startMailSink, tokenFromEmail, waitForEmail } from './support/portal';
import { startTestWorker } from './support/temporal';

/**
 * The invitation lifecycle end to end: the operator API, the `invitation-<id>` workflow on the
 * real Temporal dev server, email through a real SMTP sink, and the customer's answers.
 */
describe('invitations', () => {
  let db: Db;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let api: TestApp;
  let shortLived: TestApp;
  let dealer: { id: string; name: string };
  let operator: SignedIn;

  beforeAll(async () => {
    db = testDb();
    sink = await startMailSink();
    worker = await startTestWorker({ db, logger, config: testConfig({ SMTP_URL: sink.smtpUrl, PUBLIC_URL: 'http://portal.test' }) });
    api = await startOperatorApp(db, { TASK_QUEUE: worker.taskQueue, SMTP_URL: sink.smtpUrl, PUBLIC_URL: 'http://portal.test' });
    shortLived = await startOperatorApp(db, { TASK_QUEUE: worker.taskQueue, SMTP_URL: sink.smtpUrl, PUBLIC_URL: 'http://portal.test', INVITATION_TTL_MS: '2500' });
    dealer = await createDealer(db, { name: 'Northwind Lumber' });
    const user = await createOperator(db, dealer.id);
    operator = await signIn(api.app, user.email);
  });

  afterAll(async () => {
    await api.close();
    await shortLived.close();
    await worker.stop();
    await sink.stop();
    await db.destroy();
  });

  const outcomeOf = (invitationId: string) => worker.client.workflow.getHandle(invitationWorkflowId(invitationId)).result();
  const statusOf = async (invitationId: string) => (await db('invitations').where({ id: invitationId }).first('status')).status as string;

  async function invite(accountIds: string[], as: SignedIn = operator) {
    const response = await as.send('post', '/api/operator/invitations', { customerAccountIds: accountIds }).expect(200);
    return response.body as { results: Array<Record<string, any>>; counts: Record<string, number> };
  }

  it('emails the primary contact a single-use registration link; registering accepts the invitation and ends the workflow', async () => {
    const account = await createCustomerAccount(db, dealer.id, { name: 'Hallmark Builders', extraContacts: [{ email: 'site-office@contractor.test', is_primary: false }] });
    const { results } = await invite([account.id]);
    expect(results).toEqual([expect.objectContaining({ outcome: 'invited', customerAccountId: account.id, email: account.email })]);
    const invitationId = results[0]!.invitationId as string;

    const message = await waitForEmail(sink, account.email!);
    expect(message.subject).toContain('Northwind Lumber');
    expect(message.text).toContain(account.erp_account_id);
    const token = tokenFromEmail(message, 'register');
    expect(message.links.some((link) => link.startsWith('http://portal.test/portal/#/register?token='))).toBe(true);
    // Only the hash is stored.
    const row = await db('invitations').where({ id: invitationId }).first();
    expect(row.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);

    const listed = await operator.get(`/api/operator/invitations${listQuery({ filter: { customer_account_id: account.id } })}`).expect(200);
    expect(listed.headers['content-range']).toMatch(/^invitations 0-0\/1$/);
    expect(listed.body[0]).toMatchObject({ id: invitationId, status: 'pending', email: account.email, account_name: 'Hallmark Builders' });

    const lookup = await request(api.app).post('/api/portal/invitations/lookup').send({ token }).expect(200);
    expect(lookup.body).toMatchObject({ dealerName: 'Northwind Lumber', accountName: 'Hallmark Builders', email: account.email, existingLogin: false });

    await registerFromToken(api.app, token);
    await expect(outcomeOf(invitationId)).resolves.toBe('accepted');
    expect(await statusOf(invitationId)).toBe('accepted');
    const dashboard = await operator.get(`/api/operator/invitations/${invitationId}`).expect(200);
    expect(dashboard.body.status).toBe('accepted');

    // Single use: the same link cannot register or decline again.
    const reuse = await request(api.app).post('/api/portal/invitations/lookup').send({ token }).expect(410);
    expect(reuse.body.error.code).toBe('invitation_used');
    await request(api.app).post('/api/portal/invitations/decline').send({ token }).expect(410);
    // An account already registered is not invited again.
    const again = await invite([account.id]);
    expect(again.results[0]).toMatchObject({ outcome: 'error', error: { code: 'already_registered' } });
  });

  it('declines with one click from the email; the link cannot register afterwards', async () => {
    const account = await createCustomerAccount(db, dealer.id);
    const { results } = await invite([account.id]);
    const invitationId = results[0]!.invitationId as string;
    const token = tokenFromEmail(await waitForEmail(sink, account.email!), 'decline');

    const declined = await request(api.app).post('/api/portal/invitations/decline').send({ token }).expect(200);
    expect(declined.body).toEqual({ dealerName: 'Northwind Lumber', alreadyDeclined: false });
    await expect(outcomeOf(invitationId)).resolves.toBe('declined');
    expect(await statusOf(invitationId)).toBe('declined');
    // A second click is harmless.
    const twice = await request(api.app).post('/api/portal/invitations/decline').send({ token }).expect(200);
    expect(twice.body.alreadyDeclined).toBe(true);

    const register = await request(api.app).post('/api/portal/register')
      .send({ token, name: 'Late Mind', password: 'Changed-my-mind-2026', acceptTerms: true, termsVersion: '2026-01' }).expect(410);
    expect(register.body.error.code).toBe('invitation_declined');
    const audit = await db('audit_events').where({ entity_type: 'invitation', entity_id: invitationId }).pluck('action');
    expect(audit).toEqual(expect.arrayContaining(['invitation.invited', 'invitation.sent', 'invitation.declined']));
  });

  it('expires after the configured period; the expired link is refused and the badge reads Expired', async () => {
    const account = await createCustomerAccount(db, dealer.id);
    const shortOperator = await signIn(shortLived.app, (await createOperator(db, dealer.id)).email);
    const { results } = await invite([account.id], shortOperator);
    const invitationId = results[0]!.invitationId as string;
    const token = tokenFromEmail(await waitForEmail(sink, account.email!), 'register');

    await expect(outcomeOf(invitationId)).resolves.toBe('expired');
    expect(await statusOf(invitationId)).toBe('expired');
    const refused = await request(api.app).post('/api/portal/invitations/lookup').send({ token }).expect(410);
    expect(refused.body.error).toMatchObject({ code: 'invitation_expired' });
    expect(refused.body.error.message).toContain('Northwind Lumber');
    const listed = await operator.get(`/api/operator/invitations${listQuery({ filter: { customer_account_id: account.id, status: 'expired' } })}`).expect(200);
    expect(listed.body.map((row: { id: string }) => row.id)).toEqual([invitationId]);
  });

  it('a resend supersedes the pending invitation: the old link stops working, the new one registers', async () => {
    const account = await createCustomerAccount(db, dealer.id);
    const first = (await invite([account.id])).results[0]!;
    const oldToken = tokenFromEmail(await waitForEmail(sink, account.email!), 'register');

    const resent = await operator.send('post', `/api/operator/invitations/${first.invitationId}/resend`).expect(201);
    expect(resent.body).toMatchObject({ outcome: 'resent', status: 'pending', customer_account_id: account.id });
    expect(resent.body.id).not.toBe(first.invitationId);
    await expect(outcomeOf(first.invitationId)).resolves.toBe('superseded');
    expect(await statusOf(first.invitationId)).toBe('superseded');

    const newMessage = await waitForEmail(sink, account.email!, (message) => tokenFromEmail(message, 'register') !== oldToken);
    const newToken = tokenFromEmail(newMessage, 'register');
    const stale = await request(api.app).post('/api/portal/invitations/lookup').send({ token: oldToken }).expect(410);
    expect(stale.body.error.code).toBe('invitation_superseded');

    // Inviting a customer with a pending invitation is a resend too.
    const bulkAgain = await invite([account.id]);
    expect(bulkAgain.results[0]).toMatchObject({ outcome: 'resent' });
    await expect(outcomeOf(resent.body.id)).resolves.toBe('superseded');
    const newest = tokenFromEmail(await waitForEmail(sink, account.email!, (message) => ![oldToken, newToken].includes(tokenFromEmail(message, 'register'))), 'register');
    await request(api.app).post('/api/portal/invitations/lookup').send({ token: newToken }).expect(410);
    await registerFromToken(api.app, newest);
    await expect(outcomeOf(bulkAgain.results[0]!.invitationId)).resolves.toBe('accepted');
    const statuses = await db('invitations').where({ customer_account_id: account.id }).orderBy('created_at').pluck('status');
    expect(statuses).toEqual(['superseded', 'superseded', 'accepted']);
  });

  it('bulk invite reports every customer: invited, no email on file, not this dealer', async () => {
    const withEmail = await createCustomerAccount(db, dealer.id);
    const withoutEmail = await createCustomerAccount(db, dealer.id, { email: null });
    const otherDealer = await createDealer(db);
    const foreign = await createCustomerAccount(db, otherDealer.id);
    const disabled = await createCustomerAccount(db, dealer.id);
    await db('customer_accounts').where({ id: disabled.id }).update({ portal_access_disabled: true });

    const { results, counts } = await invite([withEmail.id, withoutEmail.id, foreign.id, disabled.id, 'not-an-id']);
    expect(counts).toEqual({ invited: 1, resent: 0, error: 4 });
    expect(results.map((result) => [result.customerAccountId, result.outcome, result.error?.code])).toEqual([
      [withEmail.id, 'invited', undefined],
      [withoutEmail.id, 'error', 'no_email'],
      [foreign.id, 'error', 'not_found'],
      [disabled.id, 'error', 'portal_access_disabled'],
      ['not-an-id', 'error', 'not_found'],
    ]);
    expect(results[1]!.error.message).toBe(`No email on file for account ${withoutEmail.erp_account_id}; add a contact email in the ERP and try again.`);
    await waitForEmail(sink, withEmail.email!);
    // Nothing was recorded or sent for the refused ones.
    expect(await db('invitations').whereIn('customer_account_id', [withoutEmail.id, foreign.id, disabled.id]).count({ n: '*' }).first()).toEqual({ n: 0 });
    expect(await emailCount(sink, foreign.email!)).toBe(0);
  });

  it('an operator of another dealer can neither see nor resend the invitation', async () => {
    const account = await createCustomerAccount(db, dealer.id);
    const { results } = await invite([account.id]);
    const otherDealer = await createDealer(db);
    const stranger = await signIn(api.app, (await createOperator(db, otherDealer.id)).email);
    await stranger.get(`/api/operator/invitations/${results[0]!.invitationId}`).expect(404);
    await stranger.send('post', `/api/operator/invitations/${results[0]!.invitationId}/resend`).expect(404);
    const listed = await stranger.get('/api/operator/invitations').expect(200);
    expect(listed.body).toEqual([]);
  });
});
