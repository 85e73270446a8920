import { randomUUID } from 'node:crypto';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';
import { isSealed } from '../domain/credential-seal';
import { verificationHeader } from '../emulators/plaid/webhooks';
import { eventually } from './support/eventually';
import { payingCustomer, startPaymentStack, submitBankPayment, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createInvoice } from './support/portal';

/**
 * Plaid's item webhooks end to end: the Plaid emulator signs and sends them to /webhooks/plaid
 * as Plaid does, the route verifies them against the key fetched by id, and the bank account
 * behind the item needs reconnecting before its next debit; Link's update mode mends it.
 */
jest.setTimeout(120_000);

describe('Plaid webhooks and reconnecting a bank account', () => {
  let stack: PaymentStack;

  beforeAll(async () => {
    stack = await startPaymentStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const methodRow = (id: string) => stack.db('payment_methods').where({ id }).first('plaid_item_id', 'plaid_access_token_sealed', 'relink_reason', 'relink_required_at');
  /** The item's access token, as Plaid (the emulator) knows it; our database holds it sealed. */
  const accessTokenOf = async (methodId: string) => {
    const { plaid_item_id: itemId } = await methodRow(methodId);
    return stack.emulators.plaid.state.items[itemId]!.accessToken!;
  };
  const listed = async (customer: PayingCustomer, methodId: string) =>
    ((await customer.session.get('/api/portal/payment-methods').expect(200)).body as Array<{ id: string; needsRelink: boolean; relinkReason: string | null }>).find((method) => method.id === methodId)!;
  const waitForReason = (customer: PayingCustomer, methodId: string, reason: string | null) =>
    eventually(async () => expect(await listed(customer, methodId)).toMatchObject({ needsRelink: reason !== null, relinkReason: reason }), 20_000);
  const payRefused = async (customer: PayingCustomer) => {
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 125_00, dueDate: '2026-12-15' });
    return customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, sourceView: 'all', items: [{ type: 'invoice', id: invoice.id }], achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION });
  };

  it('an expired login asks the customer to reconnect before the next debit; update mode mends it and the debit goes through', async () => {
    const customer = await payingCustomer(stack);
    const stored = await methodRow(customer.bankMethodId);
    expect(stored.plaid_item_id).toEqual(expect.any(String));
    expect(isSealed(stored.plaid_access_token_sealed)).toBe(true);
    expect(stored.plaid_access_token_sealed).not.toContain('access-sandbox-');

    await stack.emulators.plaidClient.sandboxResetLogin(await accessTokenOf(customer.bankMethodId));
    await waitForReason(customer, customer.bankMethodId, 'login_required');
    const audit = await stack.db('audit_events').where({ entity_id: customer.bankMethodId, action: 'payment_method.relink_required' }).first('actor_kind', 'data');
    expect(audit).toMatchObject({ actor_kind: 'processor', data: { reason: 'login_required', webhookCode: 'ERROR' } });

    const refused = await payRefused(customer);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('payment_method_needs_relink');
    expect(refused.body.error.message).toMatch(/Reconnect this bank account/);

    // Not mended yet: Plaid still reports the error.
    const early = await customer.session.send('post', `/api/portal/payment-methods/${customer.bankMethodId}/plaid/relinked`).expect(409);
    expect(early.body.error.code).toBe('relink_incomplete');

    const token = await customer.session.send('post', `/api/portal/payment-methods/${customer.bankMethodId}/plaid/relink-token`).expect(200);
    expect(token.body.scriptUrl).toMatch(/link-initialize\.js$/);
    // What Link's update mode does when the customer signs in again: no account to choose, the same item.
    const linked = await fetch(`${stack.emulators.plaid.url}/link/complete`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ link_token: token.body.linkToken }) });
    expect(linked.status).toBe(200);
    const repaired = await customer.session.send('post', `/api/portal/payment-methods/${customer.bankMethodId}/plaid/relinked`).expect(200);
    expect(repaired.body).toMatchObject({ id: customer.bankMethodId, needsRelink: false, relinkReason: null });
    expect((await methodRow(customer.bankMethodId)).plaid_item_id).toBe(stored.plaid_item_id);
    expect(await stack.db('audit_events').where({ entity_id: customer.bankMethodId, action: 'payment_method.relinked' }).count({ n: '*' })).toEqual([{ n: 1 }]);

    // The LOGIN_REPAIRED webhook that follows, and the first ERROR arriving again late, change nothing: the item is read back.
    await stack.emulators.plaid.webhooksIdle();
    const late = JSON.stringify({ webhook_type: 'ITEM', webhook_code: 'ERROR', item_id: stored.plaid_item_id, error: { error_code: 'ITEM_LOGIN_REQUIRED' }, environment: 'sandbox' });
    const answer = await fetch(`${stack.apiUrl}/webhooks/plaid`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Plaid-Verification': verificationHeader(stack.emulators.plaid.state.signingKey!, late, Date.now()) }, body: late });
    expect(await answer.json()).toEqual({ status: 'unchanged' });
    expect((await listed(customer, customer.bankMethodId)).needsRelink).toBe(false);

    const paymentId = await submitBankPayment(stack, customer, 210_00);
    expect(paymentId).toEqual(expect.any(String));
  });

  it('a warning of expiry asks for a reconnect; withdrawn access outranks it, cannot be mended in update mode, and a later warning does not weaken it', async () => {
    const customer = await payingCustomer(stack);
    const accessToken = await accessTokenOf(customer.bankMethodId);
    await stack.emulators.plaidClient.sandboxFireWebhook(accessToken, 'PENDING_EXPIRATION');
    await waitForReason(customer, customer.bankMethodId, 'pending_expiration');
    expect((await payRefused(customer)).body.error.code).toBe('payment_method_needs_relink');

    await stack.emulators.plaidClient.sandboxFireWebhook(accessToken, 'USER_PERMISSION_REVOKED');
    await waitForReason(customer, customer.bankMethodId, 'permission_revoked');
    const refused = await payRefused(customer);
    expect(refused.body.error).toMatchObject({ code: 'payment_method_needs_relink', message: expect.stringMatching(/withdrawn at your bank/) });
    const noUpdateMode = await customer.session.send('post', `/api/portal/payment-methods/${customer.bankMethodId}/plaid/relink-token`).expect(409);
    expect(noUpdateMode.body.error.code).toBe('relink_not_possible');

    await stack.emulators.plaidClient.sandboxFireWebhook(accessToken, 'PENDING_EXPIRATION');
    await stack.emulators.plaid.webhooksIdle();
    expect((await listed(customer, customer.bankMethodId)).relinkReason).toBe('permission_revoked');
  });

  it('refuses webhooks that are not Plaid\'s, exactly as signed, and recent; nothing changes', async () => {
    const customer = await payingCustomer(stack);
    const { plaid_item_id: itemId } = await methodRow(customer.bankMethodId);
    const key = stack.emulators.plaid.state.signingKey!;
    const body = JSON.stringify({ webhook_type: 'ITEM', webhook_code: 'USER_PERMISSION_REVOKED', item_id: itemId, environment: 'sandbox' });
    const send = (payload: string, header?: string) =>
      fetch(`${stack.apiUrl}/webhooks/plaid`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(header ? { 'Plaid-Verification': header } : {}) }, body: payload });
    const [jwtHeader, claims, signature] = verificationHeader(key, body, Date.now()).split('.') as [string, string, string];
    const unsigned = (header: Record<string, unknown>) => `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${claims}.${signature}`;
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;

    const cases: Array<[string, Promise<Response>]> = [
      ['missing', send(body)],
      ['another body', send(body.replace('USER_PERMISSION_REVOKED', 'LOGIN_REPAIRED'), verificationHeader(key, body, Date.now()))],
      ['forged signature', send(body, `${jwtHeader}.${claims}.${flipped}`)],
      ['alg none', send(body, unsigned({ alg: 'none', kid: key.kid, typ: 'JWT' }))],
      ['unknown key id', send(body, unsigned({ alg: 'ES256', kid: randomUUID(), typ: 'JWT' }))],
      ['ten minutes old', send(body, verificationHeader(key, body, Date.now() - 10 * 60 * 1000))],
      ['not a JWT', send(body, 'not-a-jwt')],
    ];
    const answers: Array<[string, number, string]> = [];
    for (const [label, pending] of cases) {
      const response = await pending;
      answers.push([label, response.status, ((await response.json()) as { error: { code: string } }).error.code]);
    }
    expect(answers).toEqual([
      ['missing', 401, 'webhook_missing_signature'],
      ['another body', 401, 'webhook_body_mismatch'],
      ['forged signature', 401, 'webhook_bad_signature'],
      ['alg none', 401, 'webhook_unsupported_algorithm'],
      ['unknown key id', 401, 'webhook_unknown_key'],
      ['ten minutes old', 401, 'webhook_stale'],
      ['not a JWT', 401, 'webhook_malformed_signature'],
    ]);
    expect((await methodRow(customer.bankMethodId)).relink_reason).toBeNull();

    // The same body, signed as Plaid signs it, is taken; an item nobody here holds is acknowledged and ignored.
    expect(await (await send(body, verificationHeader(key, body, Date.now()))).json()).toEqual({ status: 'relink_required' });
    const stranger = JSON.stringify({ webhook_type: 'ITEM', webhook_code: 'ERROR', item_id: 'no-such-item', environment: 'sandbox' });
    expect(await (await send(stranger, verificationHeader(key, stranger, Date.now()))).json()).toEqual({ status: 'unknown_item' });
  });

  it('another customer cannot reconnect, confirm or see someone else\'s bank account', async () => {
    const owner = await payingCustomer(stack);
    const other = await payingCustomer(stack);
    for (const path of ['relink-token', 'relinked']) {
      const answer = await other.session.send('post', `/api/portal/payment-methods/${owner.bankMethodId}/plaid/${path}`).expect(404);
      expect(answer.body.error.code).toBe('not_found');
    }
    expect((await other.session.send('post', '/api/portal/payment-methods/not-an-id/plaid/relinked')).status).toBe(404);
    const card = await other.session.get('/api/portal/payment-methods').expect(200);
    expect(card.body.map((method: { id: string }) => method.id)).not.toContain(owner.bankMethodId);
  });
});
