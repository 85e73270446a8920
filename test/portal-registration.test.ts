import request from 'supertest';
import type { Db } from '../db/connection';
import { logger } from '../runtime/logger';
import { invitationWorkflowId } from '../workflows/invitation-definitions';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { createDealer, createOperator, signIn, startOperatorApp, type SignedIn, type TestApp } from './support/operator';
import { CUSTOMER_PASSWORD, createCustomerAccount, registerFromToken, signInCustomer, startMailSink, tokenFromEmail, waitForEmail } from './support/portal';
import { startTestWorker } from './support/temporal';

/** Registration from an invitation, one login across dealers, and forgotten passwords. */
describe('portal registration', () => {
  let db: Db;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let api: TestApp;
  let northwind: { id: string; name: string };
  let cedar: { id: string; name: string };
  let northwindOperator: SignedIn;
  let cedarOperator: SignedIn;

  beforeAll(async () => {
    db = testDb();
    sink = await startMailSink();
    worker = await startTestWorker({ db, logger, config: testConfig({ SMTP_URL: sink.smtpUrl }) });
    api = await startOperatorApp(db, { TASK_QUEUE: worker.taskQueue, SMTP_URL: sink.smtpUrl });
    northwind = await createDealer(db, { name: 'Northwind Lumber' });
    cedar = await createDealer(db, { name: 'Cedar Ridge Supply' });
    northwindOperator = await signIn(api.app, (await createOperator(db, northwind.id)).email);
    cedarOperator = await signIn(api.app, (await createOperator(db, cedar.id)).email);
  });

  afterAll(async () => {
    await api.close();
    await worker.stop();
    await sink.stop();
    await db.destroy();
  });

  async function inviteAndReadToken(operator: SignedIn, accountId: string, email: string): Promise<{ token: string; invitationId: string }> {
    const response = await operator.send('post', '/api/operator/invitations', { customerAccountIds: [accountId] }).expect(200);
    const invitationId = response.body.results[0].invitationId as string;
    const message = await waitForEmail(sink, email, (m) => m.text.includes(response.body.results[0].erpAccountId));
    return { token: tokenFromEmail(message, 'register'), invitationId };
  }

  it('refuses weak passwords, missing terms and a stale terms version, and registers nothing', async () => {
    const account = await createCustomerAccount(db, northwind.id);
    const { token } = await inviteAndReadToken(northwindOperator, account.id, account.email!);
    const attempt = (fields: Record<string, unknown>) =>
      request(api.app).post('/api/portal/register').send({ token, name: 'Pat', password: CUSTOMER_PASSWORD, acceptTerms: true, termsVersion: '2026-01', ...fields });

    expect((await attempt({ password: 'short' }).expect(400)).body.error.code).toBe('weak_password');
    expect((await attempt({ password: 'alllowercaseletters' }).expect(400)).body.error.message).toMatch(/three of/);
    expect((await attempt({ acceptTerms: false }).expect(400)).body.error.details[0].field).toBe('acceptTerms');
    expect((await attempt({ termsVersion: '2019-01' }).expect(409)).body.error.code).toBe('terms_changed');
    expect(await db('portal_users').where({ email: account.email }).first()).toBeUndefined();
    // Still usable after the refusals.
    await request(api.app).post('/api/portal/invitations/lookup').send({ token }).expect(200);
  });

  it('registers a login that records the terms, links the account and can sign in again', async () => {
    const account = await createCustomerAccount(db, northwind.id, { name: 'Hallmark Builders' });
    const { token } = await inviteAndReadToken(northwindOperator, account.id, account.email!);
    const session = await registerFromToken(api.app, token, { name: 'Pat Payables' });
    const dealers = (await session.get('/api/portal/dealers').expect(200)).body;
    expect(dealers).toEqual([expect.objectContaining({ id: northwind.id, accounts: [expect.objectContaining({ id: account.id })] })]);

    const user = await db('portal_users').where({ email: account.email }).first();
    expect(user).toMatchObject({ name: 'Pat Payables', terms_version: '2026-01' });
    expect(user.terms_accepted_at).toBeInstanceOf(Date);
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    const company = await db('customer_companies').where({ id: user.company_id }).first();
    expect(company.name).toBe('Hallmark Builders');

    await session.send('post', '/api/portal/auth/sign-out').expect(204);
    await session.get('/api/portal/dealers').expect(401);
    await signInCustomer(api.app, account.email!);
  });

  it('a login invited by a second dealer proves its password and pays both dealers from one company', async () => {
    const email = `owner-${Date.now()}@hallmark.test`;
    const first = await createCustomerAccount(db, northwind.id, { email });
    const { token: firstToken } = await inviteAndReadToken(northwindOperator, first.id, email);
    await registerFromToken(api.app, firstToken);

    const second = await createCustomerAccount(db, cedar.id, { email });
    const { token, invitationId } = await inviteAndReadToken(cedarOperator, second.id, email);
    const lookup = await request(api.app).post('/api/portal/invitations/lookup').send({ token }).expect(200);
    expect(lookup.body).toMatchObject({ dealerName: 'Cedar Ridge Supply', existingLogin: true, email });

    // A second login for the same email is refused; the wrong password links nothing.
    const duplicate = await request(api.app).post('/api/portal/register')
      .send({ token, name: 'Pat', password: CUSTOMER_PASSWORD, acceptTerms: true, termsVersion: '2026-01' }).expect(409);
    expect(duplicate.body.error.code).toBe('email_registered');
    await request(api.app).post('/api/portal/register/existing').send({ token, email, password: 'Wrong-password-123' }).expect(401);
    expect(await db('company_account_links').where({ customer_account_id: second.id }).first()).toBeUndefined();

    const agent = request.agent(api.app);
    const linked = await agent.post('/api/portal/register/existing').send({ token, email, password: CUSTOMER_PASSWORD }).expect(201);
    await expect(worker.client.workflow.getHandle(invitationWorkflowId(invitationId)).result()).resolves.toBe('accepted');
    const dealers = (await agent.get('/api/portal/dealers').expect(200)).body;
    expect(dealers.map((dealer: { name: string }) => dealer.name)).toEqual(['Cedar Ridge Supply', 'Northwind Lumber']);
    expect(linked.body.user.email).toBe(email);
    const companies = await db('company_account_links').whereIn('customer_account_id', [first.id, second.id]).pluck('company_id');
    expect(new Set(companies).size).toBe(1);
    expect(await db('portal_users').where({ email }).count({ n: '*' }).first()).toEqual({ n: 1 });
  });

  it('a forgotten password is reset by a single-use emailed link; other sessions end', async () => {
    const account = await createCustomerAccount(db, northwind.id);
    const { token } = await inviteAndReadToken(northwindOperator, account.id, account.email!);
    const oldSession = await registerFromToken(api.app, token);

    // Same answer for an unknown email.
    const unknown = await request(api.app).post('/api/portal/auth/forgot-password').send({ email: 'nobody@nowhere.test' }).expect(202);
    const known = await request(api.app).post('/api/portal/auth/forgot-password').send({ email: account.email }).expect(202);
    expect(known.body).toEqual(unknown.body);
    const resetToken = tokenFromEmail(await waitForEmail(sink, account.email!, (m) => m.subject.includes('Reset')), 'reset-password');

    const weak = await request(api.app).post('/api/portal/auth/reset-password').send({ token: resetToken, password: 'weak' }).expect(400);
    expect(weak.body.error.code).toBe('weak_password');
    const newPassword = 'Brand-new-siding-77';
    await request(api.app).post('/api/portal/auth/reset-password').send({ token: resetToken, password: newPassword }).expect(204);
    await oldSession.get('/api/portal/dealers').expect(401);
    await request(api.app).post('/api/portal/auth/sign-in').send({ email: account.email, password: CUSTOMER_PASSWORD }).expect(401);
    await signInCustomer(api.app, account.email!, newPassword);

    const reused = await request(api.app).post('/api/portal/auth/reset-password').send({ token: resetToken, password: 'Another-fresh-one-88' }).expect(410);
    expect(reused.body.error.code).toBe('reset_link_invalid');
  });

  it('an expired reset link is refused', async () => {
    const account = await createCustomerAccount(db, northwind.id);
    const { token } = await inviteAndReadToken(northwindOperator, account.id, account.email!);
    await registerFromToken(api.app, token);
    await request(api.app).post('/api/portal/auth/forgot-password').send({ email: account.email }).expect(202);
    const resetToken = tokenFromEmail(await waitForEmail(sink, account.email!, (m) => m.subject.includes('Reset')), 'reset-password');
    const user = await db('portal_users').where({ email: account.email }).first('id');
    await db('auth_tokens').where({ purpose: 'portal_password_reset', subject_id: user.id }).whereNull('used_at').update({ expires_at: new Date(Date.now() - 1000) });
    await request(api.app).post('/api/portal/auth/reset-password').send({ token: resetToken, password: 'Brand-new-siding-77' }).expect(410);
  });
});
