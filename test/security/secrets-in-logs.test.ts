import { submitCardAsDrop } from '../../emulators/moov/drops-client';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { captureLogs, logger, type LogCapture } from '../../runtime/logger';
import { temporalRuntimeLogger } from '../../runtime/temporal-logger';
import { eventually } from '../support/eventually';
import { luhnCandidates } from '../support/luhn';
import { completePlaidLink } from '../support/payment-emulators';
import { paymentStatus, startPaymentStack, WEBHOOK_SECRET, type PaymentStack } from '../support/payment-stack';
import { createCustomerAccount, createInvoice, startMailSink, tokenFromEmail, uniqueEmail, waitForEmail } from '../support/portal';
import { testConfig } from '../support/config';
import { OPERATOR_PASSWORD } from '../support/operator';
import { moovEventBody, moovWebhookHeaders, spruceDelivery } from '../support/webhooks';

/**
 * A realistic run with every log line of the API and the in-process worker captured at trace
 * level (our logger, and the Temporal SDK's lines through it): operators signing in and
 * inviting, a customer registering from an emailed link, failing a sign-in, resetting a
 * forgotten password, linking a bank through Plaid and a card through Moov's card form, and
 * paying by card to settlement on Moov's webhooks; plus the mistakes that put secrets in front
 * of the API (raw card data posted to it, forged and replayed webhooks). Every secret the run
 * handled is then looked for in the capture, and so is any digit run that passes Luhn.
 */
jest.setTimeout(240_000);

const CARD_NUMBER = '4111111111111111';
const CARD_CVV = '737';

function cookieValue(response: request.Response, name: string): string {
  const header = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((candidate) => candidate.startsWith(`${name}=`));
  if (!header) throw new Error(`no ${name} cookie`);
  return decodeURIComponent(header.slice(name.length + 1).split(';')[0]!);
}

describe('security: no secrets or card data in logs', () => {
  let capture: LogCapture;
  let stack: PaymentStack;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  const config = testConfig();
  /** What the run handled that must never be logged, by kind. */
  const secrets: Record<'password' | 'session' | 'csrf' | 'emailed token' | 'webhook secret' | 'credential' | 'plaid token' | 'moov token', Set<string>> = {
    password: new Set(), session: new Set(), csrf: new Set(), 'emailed token': new Set(), 'webhook secret': new Set(), credential: new Set(), 'plaid token': new Set(), 'moov token': new Set(),
  };
  const keep = (kind: keyof typeof secrets, value: unknown) => {
    if (typeof value !== 'string' || value.length < 6) throw new Error(`expected a ${kind} to keep, got ${JSON.stringify(value)}`);
    secrets[kind].add(value);
  };
  const captured = () => capture.lines.join('');
  const leaksOf = (kind: keyof typeof secrets) => [...secrets[kind]].filter((secret) => captured().includes(secret));

  beforeAll(async () => {
    capture = captureLogs('trace');
    sink = await startMailSink();
    stack = await startPaymentStack({ config: { SMTP_URL: sink.smtpUrl } });
  });

  afterAll(async () => {
    capture?.stop();
    await stack?.stop();
    await sink?.stop();
  });

  it('runs sign-ins, invitations, registration, a password reset, a bank and a card link and a card payment with its webhooks', async () => {
    const api = stack.app;

    // An operator signs in (and once gets the password wrong).
    await request(api).post('/api/operator/auth/sign-in').send({ email: 'nobody@dealer.test', password: 'Wrong-operator-guess-7!' }).expect(401);
    keep('password', 'Wrong-operator-guess-7!');
    keep('password', OPERATOR_PASSWORD);
    const adminEmail = (await stack.db('operator_users').where({ dealer_id: stack.dealerId }).first('email')).email;
    const admin = request.agent(api);
    const adminSignIn = await admin.post('/api/operator/auth/sign-in').send({ email: adminEmail, password: OPERATOR_PASSWORD }).expect(200);
    keep('session', cookieValue(adminSignIn, 'dp_operator'));
    keep('csrf', adminSignIn.body.csrfToken);

    // The admin invites a colleague, who sets a password from the emailed link.
    const colleagueEmail = `clerk-${randomUUID().slice(0, 8)}@dealer.test`;
    await admin.post('/api/operator/operators').set('X-CSRF-Token', adminSignIn.body.csrfToken).send({ email: colleagueEmail, name: 'Casey Clerk', role: 'ar_operator' }).expect(201);
    // Operator invitations wait in the outbox table; the link is read there.
    const outboxed = await stack.db('email_outbox').where({ to_address: colleagueEmail, kind: 'operator_invite' }).first('text_body');
    const setPasswordToken = decodeURIComponent(/#\/set-password\?token=([^\s]+)/.exec(outboxed.text_body)![1]!);
    keep('emailed token', setPasswordToken);
    await request(api).get(`/api/operator/auth/set-password?token=${encodeURIComponent(setPasswordToken)}`).expect(200);
    const colleaguePassword = 'Cedar-decking-5150!';
    keep('password', colleaguePassword);
    await request(api).post('/api/operator/auth/set-password').send({ token: setPasswordToken, password: colleaguePassword }).expect(200);
    const clerk = request.agent(api);
    const clerkSignIn = await clerk.post('/api/operator/auth/sign-in').send({ email: colleagueEmail, password: colleaguePassword }).expect(200);
    keep('session', cookieValue(clerkSignIn, 'dp_operator'));
    keep('csrf', clerkSignIn.body.csrfToken);

    // The clerk invites a customer, who registers from the emailed link.
    const account = await createCustomerAccount(stack.db, stack.dealerId, { email: uniqueEmail('ap') });
    const invited = await clerk.post('/api/operator/invitations').set('X-CSRF-Token', clerkSignIn.body.csrfToken).send({ customerAccountIds: [account.id] }).expect(200);
    expect(invited.body.results[0].outcome).toBe('invited');
    const invitationToken = tokenFromEmail(await waitForEmail(sink, account.email!), 'register');
    keep('emailed token', invitationToken);
    const lookup = await request(api).post('/api/portal/invitations/lookup').send({ token: invitationToken }).expect(200);
    const firstPassword = 'Framing-nailer-3321!';
    keep('password', firstPassword);
    const customer = request.agent(api);
    const registered = await customer.post('/api/portal/register').send({ token: invitationToken, name: 'Pat Payables', password: firstPassword, acceptTerms: true, termsVersion: lookup.body.termsVersion }).expect(201);
    keep('session', cookieValue(registered, 'dp_customer'));
    keep('csrf', registered.body.csrfToken);

    // A wrong password, then a forgotten one reset from the emailed link.
    await request(api).post('/api/portal/auth/sign-in').send({ email: account.email, password: 'Wrong-customer-guess-9!' }).expect(401);
    keep('password', 'Wrong-customer-guess-9!');
    await request(api).post('/api/portal/auth/forgot-password').send({ email: account.email }).expect(202);
    const resetToken = tokenFromEmail(await waitForEmail(sink, account.email!, (message) => message.subject.includes('Reset')), 'reset-password');
    keep('emailed token', resetToken);
    const newPassword = 'Brand-new-soffit-8080!';
    keep('password', newPassword);
    await request(api).post('/api/portal/auth/reset-password').send({ token: resetToken, password: newPassword }).expect(204);
    const signedIn = await customer.post('/api/portal/auth/sign-in').send({ email: account.email, password: newPassword }).expect(200);
    keep('session', cookieValue(signedIn, 'dp_customer'));
    const csrf: string = signedIn.body.csrfToken;
    keep('csrf', csrf);

    // A bank account linked through Plaid.
    const linkToken = (await customer.post('/api/portal/payment-methods/plaid/link-token').set('X-CSRF-Token', csrf).expect(200)).body.linkToken;
    keep('plaid token', linkToken);
    const link = await completePlaidLink(stack.emulators.plaid, linkToken, 'ins_dp_prairie', 'checking');
    keep('plaid token', link.publicToken);
    await customer.post('/api/portal/payment-methods/plaid/exchange').set('X-CSRF-Token', csrf).send(link).expect(201);

    // A card: posted straight to Moov with a scoped token, as the card form does; then raw card
    // data posted to our API by mistake, which must be refused without being logged.
    const cardSession = (await customer.post('/api/portal/payment-methods/card-session').set('X-CSRF-Token', csrf).expect(200)).body;
    keep('moov token', cardSession.accessToken);
    const cardResponse = await submitCardAsDrop(stack.emulators.moov.url, cardSession, { number: CARD_NUMBER, cvv: CARD_CVV, state: 'IL' });
    expect(cardResponse.status).toBe(200);
    const card = (await cardResponse.json()) as { cardID: string };
    const misposted = await customer.post('/api/portal/payment-methods/cards').set('X-CSRF-Token', csrf)
      .send({ cardNumber: CARD_NUMBER, cardCvv: CARD_CVV, card: { number: CARD_NUMBER, cvv: CARD_CVV }, expiration: { month: '12', year: '39' } });
    expect(misposted.status).toBe(400);
    const cardMethodId = (await customer.post('/api/portal/payment-methods/cards').set('X-CSRF-Token', csrf).send({ cardId: card.cardID }).expect(201)).body.id;

    // A card payment, settled on Moov's webhooks.
    const invoice = await createInvoice(stack.db, stack.dealerId, account.id, { amountCents: 245_00, dueDate: '2026-12-15' });
    const paid = await customer.post('/api/portal/payments').set('X-CSRF-Token', csrf).set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: account.id, paymentMethodId: cardMethodId, sourceView: 'all', items: [{ type: 'invoice', id: invoice.id }] })
      .expect(201);
    const paymentId: string = paid.body.payment.id;
    await eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe('settled'), 60_000);
    const transferId = (await stack.db('payments').where({ id: paymentId }).first('moov_transfer_id')).moov_transfer_id;
    await eventually(async () => expect(await stack.db('webhook_events').where({ provider: 'moov' }).whereRaw("payload->'data'->>'transferID' = ?", [transferId]).first()).toBeDefined());

    // Webhooks that are refused: forged, replayed, and a Spruce delivery for no tenant.
    const forged = moovWebhookHeaders({ secret: 'forged-webhook-secret-000000' });
    expect((await fetch(`${stack.apiUrl}/webhooks/moov`, { method: 'POST', headers: forged, body: moovEventBody('transfer.updated', { transferID: transferId }) })).status).toBe(401);
    const genuine = moovWebhookHeaders({ secret: WEBHOOK_SECRET });
    for (const expected of [200, 401]) {
      const response = await fetch(`${stack.apiUrl}/webhooks/moov`, { method: 'POST', headers: genuine, body: moovEventBody('transfer.updated', { transferID: transferId, status: 'completed' }) });
      expect(response.status).toBe(expected);
    }
    const spruce = spruceDelivery({ tenantId: 'no-such-tenant', secret: config.SPRUCE_WEBHOOK_SECRET }, []);
    expect((await fetch(`${stack.apiUrl}/webhooks/spruce`, { method: 'POST', headers: spruce.headers, body: spruce.body })).status).toBe(401);

    await customer.post('/api/portal/auth/sign-out').set('X-CSRF-Token', csrf).expect(204);
    await clerk.post('/api/operator/auth/sign-out').set('X-CSRF-Token', clerkSignIn.body.csrfToken).expect(204);

    keep('webhook secret', WEBHOOK_SECRET);
    keep('webhook secret', config.SPRUCE_WEBHOOK_SECRET);
    keep('credential', config.DATA_ENCRYPTION_KEY);
    for (const value of [config.MOOV_SECRET_KEY, config.MOOV_PUBLIC_KEY, stack.emulators.moov.secretKey, config.PLAID_SECRET, config.PLAID_CLIENT_ID]) keep('credential', value);
    const plaid = stack.emulators.plaid.state;
    for (const token of [...Object.keys(plaid.accessTokens), ...Object.keys(plaid.processorTokens), ...Object.keys(plaid.publicTokens)]) keep('plaid token', token);
    expect(Object.keys(plaid.accessTokens).length).toBeGreaterThanOrEqual(1);
    expect(Object.keys(plaid.processorTokens).length).toBeGreaterThanOrEqual(1);
  });

  it('captured the run: a line per request under its full path, and the refusals', () => {
    const records = capture.records();
    const requests = records.filter((record) => record.msg === 'request');
    for (const path of ['/api/operator/auth/sign-in', '/api/portal/register', '/api/portal/auth/reset-password', '/api/portal/payment-methods/plaid/exchange', '/api/portal/payments', '/webhooks/moov']) {
      expect(requests.some((record) => record.path === path)).toBe(true);
    }
    expect(records.filter((record) => record.msg === 'moov webhook refused').map((record) => record.code).sort()).toEqual(['webhook_bad_signature', 'webhook_replayed']);
    expect(records.some((record) => record.webhook === 'spruce' && record.code === 'bad_signature')).toBe(true);
    expect(capture.lines.length).toBeGreaterThan(40);
  });

  it.each(['password', 'session', 'csrf', 'emailed token', 'webhook secret', 'credential', 'plaid token', 'moov token'] as const)('logs no %s the run handled', (kind) => {
    expect(secrets[kind].size).toBeGreaterThan(0);
    expect(leaksOf(kind)).toEqual([]);
  });

  it('logs no card number (no 13–19 digit run passing Luhn) and no CVV', () => {
    expect(luhnCandidates(`card ${CARD_NUMBER} and 4111 1111 1111 1111, not 4111111111111112`)).toEqual([CARD_NUMBER, '4111 1111 1111 1111']);
    expect(luhnCandidates('"requestId":"5c1d7a40-8510-4875-999f-0a1b2c3d4e5f"')).toEqual([]);
    expect(luhnCandidates(captured())).toEqual([]);
    expect(captured()).not.toMatch(/cvv"?\s*[:=]\s*"?\d{3,4}/i);
    expect(captured()).not.toContain(`"${CARD_CVV}"`);
  });

  it('logs no password hash', () => {
    expect(captured()).not.toContain('$argon2');
  });

  it('redacts secret-bearing fields wherever a caller puts them', () => {
    const probe = captureLogs('trace');
    try {
      logger.info({
        password: 'p-top', token: 't-top', secret: 's-top', csrfToken: 'c-top',
        body: { password: 'p-1', newPassword: 'p-2', token: 't-1', cardNumber: '4111111111111111', cardCvv: '123', cvv: '124', accessToken: 'a-1', access_token: 'a-2', processor_token: 'pt-1', public_token: 'pub-1', secret: 's-1', client_id: 'plaid-client' },
        req: { headers: { cookie: 'dp_customer=cookie-1', authorization: 'Bearer b-1', 'x-csrf-token': 'c-1', 'x-signature': 'sig-1', 'spruce-signature': 'v1=sig-2' } },
        err: { config: { headers: { Authorization: 'Bearer b-2', 'PLAID-SECRET': 's-2' }, data: '{"secret":"s-3"}' } },
      }, 'probe');
      // The Temporal SDK's own lines (the worker's activity failures) go through the same logger.
      temporalRuntimeLogger(logger, 'WARN').warn('Activity failed', { activityType: 'probe', error: Object.assign(new Error('boom'), { config: { headers: { Authorization: 'Bearer b-3' } } }), password: 'p-3' });
      const line = probe.lines.join('');
      expect(probe.records()).toContainEqual(expect.objectContaining({ sdk: 'temporal', msg: 'Activity failed', activityType: 'probe', err: expect.objectContaining({ message: 'boom' }) }));
      for (const value of ['p-top', 't-top', 's-top', 'c-top', 'p-1', 'p-2', 't-1', '4111111111111111', '"123"', '"124"', 'a-1', 'a-2', 'pt-1', 'pub-1', 's-1', 'cookie-1', 'b-1', 'c-1', 'sig-1', 'sig-2', 'b-2', 's-2', 's-3', 'b-3', 'p-3']) {
        expect({ value, leaked: line.includes(value) }).toEqual({ value, leaked: false });
      }
      expect(line).toContain('[redacted]');
    } finally {
      probe.stop();
    }
  });
});
