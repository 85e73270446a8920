import request from 'supertest';
import type { Db } from '../../db/connection';
import { testDb } from '../../test/support/db';
import { createDealer, createOperator, signIn, startOperatorApp, type SignedIn, type TestApp } from '../../test/support/operator';
import { CUSTOMER_PASSWORD, createCustomerAccount, createInvoice, createPortalCustomer, signInCustomer, type SeededAccount } from '../../test/support/portal';

/**
 * Disabling and restoring a customer's portal access: the operator API (roles, tenancy,
 * CSRF, audit) and what the portal then lets that customer's users do.
 */
describe('operator API: customer portal access', () => {
  let db: Db;
  let api: TestApp;
  let dealerId: string;
  let otherDealerId: string;
  let admin: SignedIn;
  let arOperator: SignedIn;
  let otherDealerAdmin: SignedIn;

  beforeAll(async () => {
    db = testDb();
    api = await startOperatorApp(db);
    dealerId = (await createDealer(db)).id;
    otherDealerId = (await createDealer(db)).id;
    admin = await signIn(api.app, (await createOperator(db, dealerId, { role: 'admin' })).email);
    arOperator = await signIn(api.app, (await createOperator(db, dealerId, { role: 'ar_operator' })).email);
    otherDealerAdmin = await signIn(api.app, (await createOperator(db, otherDealerId, { role: 'admin' })).email);
  });

  afterAll(async () => {
    await api.close();
    await db.destroy();
  });

  const disable = (who: SignedIn, id: string, reason = 'Repeated returned ACH payments') => who.send('post', `/api/operator/customers/${id}/portal-access/disable`, { reason });
  const restore = (who: SignedIn, id: string, reason?: string) => who.send('post', `/api/operator/customers/${id}/portal-access/restore`, reason ? { reason } : {});
  const flag = async (id: string) => (await db('customer_accounts').where({ id }).first('portal_access_disabled')).portal_access_disabled as boolean;

  async function accountWithInvoice(owner = dealerId): Promise<SeededAccount & { invoiceId: string }> {
    const account = await createCustomerAccount(db, owner);
    const invoice = await createInvoice(db, owner, account.id, { amountCents: 42_000, dueDate: '2026-12-31' });
    return { ...account, invoiceId: invoice.id };
  }

  describe('operator actions', () => {
    it('disables with a reason, answers the updated detail and records who did it and why', async () => {
      const account = await accountWithInvoice();
      const response = await disable(admin, account.id).expect(200);
      expect(response.body).toMatchObject({ id: account.id, portal_access_disabled: true, portal_access: { state: 'disabled', disabled: true } });
      expect(await flag(account.id)).toBe(true);
      const audit = await db('audit_events').where({ dealer_id: dealerId, entity_id: account.id, action: 'customer.portal_access_disabled' }).first();
      expect(audit).toMatchObject({ actor_kind: 'operator', entity_type: 'customer_account', data: { reason: 'Repeated returned ACH payments', erp_account_id: account.erp_account_id } });
      expect(audit.actor_id).toBeTruthy();

      const restored = await restore(admin, account.id, 'Customer called, bank fixed').expect(200);
      expect(restored.body.portal_access).toMatchObject({ disabled: false, state: 'not_invited' });
      expect(await flag(account.id)).toBe(false);
      const back = await db('audit_events').where({ entity_id: account.id, action: 'customer.portal_access_restored' }).first();
      expect(back.data).toMatchObject({ reason: 'Customer called, bank fixed' });
    });

    it('lets an AR operator disable and restore, as well as an admin', async () => {
      const account = await accountWithInvoice();
      await disable(arOperator, account.id).expect(200);
      expect(await flag(account.id)).toBe(true);
      await restore(arOperator, account.id).expect(200);
      expect(await flag(account.id)).toBe(false);
    });

    it('refuses to disable without a reason, and a second disable or a restore of an enabled account with 409', async () => {
      const account = await accountWithInvoice();
      const noReason = await admin.send('post', `/api/operator/customers/${account.id}/portal-access/disable`, {}).expect(400);
      expect(noReason.body.error.code).toBe('invalid_request');
      expect(noReason.body.error.message).toMatch(/reason/);
      const notDisabled = await restore(admin, account.id).expect(409);
      expect(notDisabled.body.error.code).toBe('not_disabled');
      await disable(admin, account.id).expect(200);
      const again = await disable(admin, account.id).expect(409);
      expect(again.body.error).toMatchObject({ code: 'already_disabled', message: expect.stringContaining(account.erp_account_id) });
      expect(await db('audit_events').where({ entity_id: account.id, action: 'customer.portal_access_disabled' })).toHaveLength(1);
    });

    it('answers 404 for another dealer’s account and leaves it unchanged', async () => {
      const account = await accountWithInvoice();
      const response = await disable(otherDealerAdmin, account.id).expect(404);
      expect(response.body.error.code).toBe('not_found');
      expect(await flag(account.id)).toBe(false);
      await disable(admin, account.id).expect(200);
      await restore(otherDealerAdmin, account.id).expect(404);
      expect(await flag(account.id)).toBe(true);
      await admin.send('post', '/api/operator/customers/not-an-id/portal-access/disable', { reason: 'Bad id' }).expect(404);
    });

    it('needs the CSRF token and a session', async () => {
      const account = await accountWithInvoice();
      const noToken = await admin.agent.post(`/api/operator/customers/${account.id}/portal-access/disable`).send({ reason: 'No token' }).expect(403);
      expect(noToken.body.error.code).toBe('csrf_failed');
      await request(api.app).post(`/api/operator/customers/${account.id}/portal-access/disable`).set('X-CSRF-Token', 'x').send({ reason: 'No session' }).expect(401);
      expect(await flag(account.id)).toBe(false);
    });
  });

  describe('the portal honours it', () => {
    it('ends open sessions and refuses sign-in while every account of the company is off; a restore brings both back', async () => {
      const account = await accountWithInvoice();
      const customer = await createPortalCustomer(db, [{ id: account.id, dealerId }]);
      const session = await signInCustomer(api.app, customer.email);
      const before = await session.get(`/api/portal/outstanding?dealerId=${dealerId}`).expect(200);
      expect(JSON.stringify(before.body)).toContain(account.erp_account_id);

      await disable(admin, account.id).expect(200);
      const cutOff = await session.get(`/api/portal/outstanding?dealerId=${dealerId}`).expect(401);
      expect(cutOff.body.error.code).toBe('portal_access_disabled');
      await session.get('/api/portal/auth/session').expect(401);
      const signInRefused = await request(api.app).post('/api/portal/auth/sign-in').send({ email: customer.email, password: CUSTOMER_PASSWORD }).expect(403);
      expect(signInRefused.body.error).toMatchObject({ code: 'portal_access_disabled', message: expect.stringMatching(/turned off/) });
      // A wrong password still reads as a wrong password: the refusal does not confirm the login.
      await request(api.app).post('/api/portal/auth/sign-in').send({ email: customer.email, password: 'not-the-password' }).expect(401);

      await restore(admin, account.id).expect(200);
      const again = await session.get(`/api/portal/outstanding?dealerId=${dealerId}`).expect(200);
      expect(JSON.stringify(again.body)).toContain(account.erp_account_id);
      await signInCustomer(api.app, customer.email);
    });

    it('hides only the disabling dealer’s accounts from a login that also pays another dealer', async () => {
      const here = await accountWithInvoice();
      const elsewhere = await accountWithInvoice(otherDealerId);
      const customer = await createPortalCustomer(db, [{ id: here.id, dealerId }, { id: elsewhere.id, dealerId: otherDealerId }]);
      const session = await signInCustomer(api.app, customer.email);
      // Reaches the account while enabled (refused later, for the unknown payment method only).
      const previewBody = { dealerId, customerAccountId: here.id, paymentMethodId: '00000000-0000-4000-8000-000000000000', sourceView: 'all', items: [{ type: 'invoice', id: here.invoiceId }] };
      const enabledPreview = await session.send('post', '/api/portal/payments/preview', previewBody).expect(404);
      expect(enabledPreview.body.error.message).toBe('Payment method not found.');
      const dealers = async () => ((await session.get('/api/portal/dealers').expect(200)).body as Array<{ id: string }>).map((dealer) => dealer.id).sort();
      expect(await dealers()).toEqual([dealerId, otherDealerId].sort());

      await disable(admin, here.id).expect(200);
      expect(await dealers()).toEqual([otherDealerId]);
      await session.get(`/api/portal/outstanding?dealerId=${dealerId}`).expect(404);
      const stillThere = await session.get(`/api/portal/outstanding?dealerId=${otherDealerId}`).expect(200);
      expect(JSON.stringify(stillThere.body)).toContain(elsewhere.erp_account_id);
      const preview = await session.send('post', '/api/portal/payments/preview', previewBody).expect(404);
      expect(preview.body.error.message).toBe('Account not found.');
      // The login still signs in: it has another supplier to pay.
      const fresh = await signInCustomer(api.app, customer.email);
      expect(((await fresh.get('/api/portal/dealers').expect(200)).body as Array<{ id: string }>).map((dealer) => dealer.id)).toEqual([otherDealerId]);

      await restore(admin, here.id).expect(200);
      expect(await dealers()).toEqual([dealerId, otherDealerId].sort());
    });
  });
});
