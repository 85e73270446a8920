import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Db } from '../../db/connection';
import { hashToken } from '../auth/tokens';
import { testDb } from '../../test/support/db';
import { createDealer, createOperator, listQuery, signIn, startOperatorApp, type SignedIn, type TestApp } from '../../test/support/operator';

/** Company configuration, the operator team, invitations by email and set-password, roles and CSRF. */
describe('operator API: settings and team', () => {
  let db: Db;
  let testApp: TestApp;
  let dealerId: string;
  let admin: SignedIn;
  let adminId: string;
  let collector: SignedIn;
  let stranger: SignedIn;

  beforeAll(async () => {
    db = testDb();
    testApp = await startOperatorApp(db, { PUBLIC_URL: 'http://ar.example.test:8080', CORS_ORIGINS: 'http://127.0.0.1:5173' });
    dealerId = (await createDealer(db, { name: 'Northwind Lumber', spruce_api_key: 'secret-key' })).id;
    const adminUser = await createOperator(db, dealerId, { role: 'admin', name: 'Ada Admin' });
    adminId = adminUser.id;
    const collectorUser = await createOperator(db, dealerId, { role: 'ar_operator', name: 'Cole Collector' });
    const other = await createDealer(db);
    const strangerUser = await createOperator(db, other.id, { role: 'admin' });
    admin = await signIn(testApp.app, adminUser.email);
    collector = await signIn(testApp.app, collectorUser.email);
    stranger = await signIn(testApp.app, strangerUser.email);
  });

  afterAll(async () => {
    await testApp.close();
    await db.destroy();
  });

  describe('company configuration', () => {
    it('is readable by every operator as the settings/dealer record, without secrets', async () => {
      const response = await collector.get('/api/operator/settings/dealer').expect(200);
      expect(response.body).toMatchObject({ id: 'dealer', dealer_id: dealerId, name: 'Northwind Lumber', time_zone: 'America/Chicago', settlement_cutoff: '17:00', spruce_api_key_set: true });
      expect(JSON.stringify(response.body)).not.toContain('secret-key');
    });

    it('is changed by an admin, validated, and audited with before and after', async () => {
      const change = {
        id: 'dealer', name: 'Northwind Lumber & Supply', time_zone: 'America/Denver', settlement_cutoff: '16:30', fee_payer: 'customer',
        ach_fee_cents: 150, card_credit_rate_bps: 295, card_debit_rate_bps: 100, card_flat_fee_cents: 30, returned_payment_fee_cents: 25_00,
        surcharge_forbidden_states: ['ct', 'MA', 'CT'], allow_partial_payments: false, bills_by_statement: true,
      };
      const response = await admin.send('put', '/api/operator/settings/dealer', change).expect(200);
      expect(response.body).toMatchObject({ ...change, surcharge_forbidden_states: ['CT', 'MA'] });
      const stored = await db('dealers').where({ id: dealerId }).first();
      expect(stored).toMatchObject({ time_zone: 'America/Denver', settlement_cutoff: '16:30', card_credit_rate_bps: 295, surcharge_forbidden_states: ['CT', 'MA'], bills_by_statement: true });
      const audit = await db('audit_events').where({ dealer_id: dealerId, action: 'dealer.settings_updated' }).orderBy('id', 'desc').first();
      expect(audit).toMatchObject({ actor_kind: 'operator', actor_id: adminId, entity_type: 'dealer', entity_id: dealerId });
      expect(audit.data.changes.time_zone).toEqual({ from: 'America/Chicago', to: 'America/Denver' });
      expect(audit.data.changes.surcharge_forbidden_states).toEqual({ from: [], to: ['CT', 'MA'] });
      expect(audit.data.changes.returned_payment_fee_cents).toEqual({ from: 0, to: 25_00 });
    });

    it('starts with the returned payment fee off, and takes 0 to turn it off again', async () => {
      const fresh = await createDealer(db);
      expect((await db('dealers').where({ id: fresh.id }).first('returned_payment_fee_cents')).returned_payment_fee_cents).toBe(0);
      const response = await admin.send('put', '/api/operator/settings/dealer', { returned_payment_fee_cents: 0 }).expect(200);
      expect(response.body.returned_payment_fee_cents).toBe(0);
      const audit = await db('audit_events').where({ dealer_id: dealerId, action: 'dealer.settings_updated' }).orderBy('id', 'desc').first();
      expect(audit.data.changes.returned_payment_fee_cents).toEqual({ from: 25_00, to: 0 });
    });

    it.each([
      ['negative', -1, /negative/],
      ['not whole cents', 12.5, /whole cents/],
      ['above $500', 50_001, /at most 50000 cents/],
      ['not a number', '25.00', /number/i],
    ])('refuses a returned payment fee that is %s, naming the field', async (_what, value, message) => {
      const response = await admin.send('put', '/api/operator/settings/dealer', { returned_payment_fee_cents: value }).expect(400);
      expect(response.body.error.details).toEqual([expect.objectContaining({ field: 'returned_payment_fee_cents', message: expect.stringMatching(message) })]);
      expect((await db('dealers').where({ id: dealerId }).first('returned_payment_fee_cents')).returned_payment_fee_cents).toBe(0);
    });

    it('takes the most a dealer may charge, $500', async () => {
      await admin.send('put', '/api/operator/settings/dealer', { returned_payment_fee_cents: 50_000 }).expect(200);
      await admin.send('put', '/api/operator/settings/dealer', { returned_payment_fee_cents: 0 }).expect(200);
    });

    it('refuses bad values with the fields named, changing nothing', async () => {
      const before = await db('dealers').where({ id: dealerId }).first();
      const response = await admin
        .send('put', '/api/operator/settings/dealer', { name: 'Renamed', time_zone: 'Mars/Olympus', settlement_cutoff: '25:00', card_credit_rate_bps: 1.5, ach_fee_cents: -1, surcharge_forbidden_states: ['ZZ'] })
        .expect(400);
      const fields = response.body.error.details.map((detail: { field: string }) => detail.field);
      expect(fields).toEqual(expect.arrayContaining(['time_zone', 'settlement_cutoff', 'card_credit_rate_bps', 'ach_fee_cents', 'surcharge_forbidden_states.0']));
      const after = await db('dealers').where({ id: dealerId }).first();
      expect(after.name).toBe(before.name);
    });

    it('refuses an AR operator with 403 (the role is enforced by the API)', async () => {
      const response = await collector.send('put', '/api/operator/settings/dealer', { name: 'Hijacked' }).expect(403);
      expect(response.body.error.code).toBe('role_required');
      expect((await db('dealers').where({ id: dealerId }).first()).name).not.toBe('Hijacked');
      const fee = await collector.send('put', '/api/operator/settings/dealer', { returned_payment_fee_cents: 100 }).expect(403);
      expect(fee.body.error.code).toBe('role_required');
      expect((await db('dealers').where({ id: dealerId }).first('returned_payment_fee_cents')).returned_payment_fee_cents).toBe(0);
    });

    it('requires the CSRF token on changes', async () => {
      const missing = await admin.agent.put('/api/operator/settings/dealer').send({ name: 'No token' }).expect(403);
      expect(missing.body.error.code).toBe('csrf_failed');
      await admin.agent.put('/api/operator/settings/dealer').set('X-CSRF-Token', collector.csrfToken).send({ name: 'Wrong token' }).expect(403);
      expect((await db('dealers').where({ id: dealerId }).first()).name).not.toMatch(/token/);
    });

    it('only ever touches the operator’s own dealer', async () => {
      await stranger.send('put', '/api/operator/settings/dealer', { name: 'Stranger Renamed' }).expect(200);
      expect((await db('dealers').where({ id: dealerId }).first()).name).toBe('Northwind Lumber & Supply');
      const theirs = await stranger.get('/api/operator/settings/dealer').expect(200);
      expect(theirs.body.dealer_id).not.toBe(dealerId);
    });
  });

  describe('team', () => {
    let invitedId: string;
    let inviteToken: string;
    const email = `new-${randomUUID().slice(0, 6)}@northwind.test`;

    const tokenFromOutbox = async (to: string) => {
      const mail = await db('email_outbox').where({ to_address: to, kind: 'operator_invite' }).orderBy('created_at', 'desc').first();
      const match = /http:\/\/ar\.example\.test:8080\/admin\/#\/set-password\?token=([A-Za-z0-9_%-]+)/.exec(mail.text_body);
      return decodeURIComponent(match![1]!);
    };

    it('lists the dealer’s operators, sortable and filterable', async () => {
      const response = await collector.get(`/api/operator/operators${listQuery({ sort: ['name', 'DESC'] })}`).expect(200);
      expect(response.headers['content-range']).toBe('operators 0-1/2');
      expect(response.body.map((row: { name: string }) => row.name)).toEqual(['Cole Collector', 'Ada Admin']);
      const admins = await collector.get(`/api/operator/operators${listQuery({ filter: { role: 'admin' } })}`).expect(200);
      expect(admins.body.map((row: { name: string }) => row.name)).toEqual(['Ada Admin']);
      expect(JSON.stringify(response.body)).not.toContain('password');
    });

    it('lets an admin invite an operator by email: invited user, hashed single-use token, queued email', async () => {
      const response = await admin.send('post', '/api/operator/operators', { email, name: 'Nia Newhire', role: 'ar_operator' }).expect(201);
      invitedId = response.body.id;
      expect(response.body).toMatchObject({ email, name: 'Nia Newhire', role: 'ar_operator', status: 'invited' });
      expect(response.body.invite_expires_at).toBeTruthy();
      inviteToken = await tokenFromOutbox(email);
      const token = await db('auth_tokens').where({ subject_id: invitedId }).first();
      expect(token.token_hash).toBe(hashToken(inviteToken));
      expect(token.token_hash).not.toContain(inviteToken);
      const hours = (new Date(token.expires_at).getTime() - Date.now()) / 3_600_000;
      expect(hours).toBeGreaterThan(71.9);
      expect(hours).toBeLessThanOrEqual(72);
      const audit = await db('audit_events').where({ action: 'operator.invited', entity_id: invitedId }).first();
      expect(audit.actor_id).toBe(adminId);
    });

    it('refuses a duplicate email, a bad role, an AR operator inviting, and a missing CSRF token', async () => {
      expect((await admin.send('post', '/api/operator/operators', { email, name: 'Again', role: 'admin' }).expect(409)).body.error.code).toBe('email_taken');
      await admin.send('post', '/api/operator/operators', { email: 'x@y.test', name: 'Bad role', role: 'owner' }).expect(400);
      await collector.send('post', '/api/operator/operators', { email: 'sneaky@y.test', name: 'Sneaky', role: 'admin' }).expect(403);
      await admin.agent.post('/api/operator/operators').send({ email: 'nocsrf@y.test', name: 'No CSRF', role: 'admin' }).expect(403);
      expect(await db('operator_users').whereIn('email', ['sneaky@y.test', 'nocsrf@y.test', 'x@y.test'])).toEqual([]);
    });

    it('shows the invited operator to their own dealer only', async () => {
      await admin.get(`/api/operator/operators/${invitedId}`).expect(200);
      await stranger.get(`/api/operator/operators/${invitedId}`).expect(404);
      await stranger.send('post', `/api/operator/operators/${invitedId}/resend-invitation`).expect(404);
    });

    it('lets the invited person check the link and set a strong password without a session, once', async () => {
      const anonymous = request(testApp.app);
      const check = await anonymous.get(`/api/operator/auth/set-password?token=${encodeURIComponent(inviteToken)}`).expect(200);
      expect(check.body).toMatchObject({ email, name: 'Nia Newhire', purpose: 'operator_invite' });

      const weak = await anonymous.post('/api/operator/auth/set-password').send({ token: inviteToken, password: 'short' }).expect(400);
      expect(weak.body.error.code).toBe('weak_password');
      await anonymous.post('/api/operator/auth/set-password').send({ token: inviteToken, password: 'onlylowercaseletters' }).expect(400);

      const ok = await anonymous.post('/api/operator/auth/set-password').send({ token: inviteToken, password: 'Cedar-Shingles-77!' }).expect(200);
      expect(ok.body).toEqual({ email });
      expect((await db('operator_users').where({ id: invitedId }).first()).status).toBe('active');
      const signedIn = await signIn(testApp.app, email, 'Cedar-Shingles-77!');
      await signedIn.get('/api/operator/customers').expect(200);
      // The ar_operator role came with the invitation.
      await signedIn.send('put', '/api/operator/settings/dealer', { name: 'x' }).expect(403);

      const reuse = await anonymous.post('/api/operator/auth/set-password').send({ token: inviteToken, password: 'Another-Pass-88!' }).expect(400);
      expect(reuse.body.error.code).toBe('invalid_token');
      await anonymous.get(`/api/operator/auth/set-password?token=${encodeURIComponent(inviteToken)}`).expect(400);
    });

    it('refuses unknown and expired links', async () => {
      const anonymous = request(testApp.app);
      await anonymous.post('/api/operator/auth/set-password').send({ token: 'x'.repeat(43), password: 'Cedar-Shingles-77!' }).expect(400);
      const lateEmail = `late-${randomUUID().slice(0, 6)}@northwind.test`;
      const late = await admin.send('post', '/api/operator/operators', { email: lateEmail, name: 'Late Larry', role: 'ar_operator' }).expect(201);
      const token = await tokenFromOutbox(lateEmail);
      await db('auth_tokens').where({ subject_id: late.body.id }).update({ expires_at: new Date(Date.now() - 1000) });
      const expired = await anonymous.post('/api/operator/auth/set-password').send({ token, password: 'Cedar-Shingles-77!' }).expect(400);
      expect(expired.body.error.code).toBe('invalid_token');
      expect((await db('operator_users').where({ id: late.body.id }).first()).password_hash).toBeNull();

      // A resend issues a fresh link and retires the old one.
      await admin.send('post', `/api/operator/operators/${late.body.id}/resend-invitation`).expect(200);
      const fresh = await tokenFromOutbox(lateEmail);
      expect(fresh).not.toBe(token);
      await anonymous.post('/api/operator/auth/set-password').send({ token: fresh, password: 'Cedar-Shingles-77!' }).expect(200);
    });

    it('lets an admin change a role or disable an operator, never themselves', async () => {
      const response = await admin.send('put', `/api/operator/operators/${invitedId}`, { role: 'admin' }).expect(200);
      expect(response.body.role).toBe('admin');
      await admin.send('put', `/api/operator/operators/${invitedId}`, { status: 'disabled' }).expect(200);
      await signIn(testApp.app, email, 'Cedar-Shingles-77!').then(
        () => { throw new Error('a disabled operator signed in'); },
        (error: Error) => expect(error.message).toMatch(/403/),
      );
      const self = await admin.send('put', `/api/operator/operators/${adminId}`, { role: 'ar_operator' }).expect(400);
      expect(self.body.error.code).toBe('cannot_change_self');
      await collector.send('put', `/api/operator/operators/${invitedId}`, { status: 'active' }).expect(403);
    });
  });

  describe('a UI dev server on another origin', () => {
    it('may call with credentials and read Content-Range; other origins get no CORS headers', async () => {
      const preflight = await request(testApp.app)
        .options('/api/operator/customers')
        .set('Origin', 'http://127.0.0.1:5173')
        .set('Access-Control-Request-Method', 'PUT')
        .set('Access-Control-Request-Headers', 'x-csrf-token, content-type')
        .expect(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173');
      expect(preflight.headers['access-control-allow-credentials']).toBe('true');
      expect(preflight.headers['access-control-allow-headers']).toMatch(/X-CSRF-Token/i);

      const list = await admin.agent.get('/api/operator/operators').set('Origin', 'http://127.0.0.1:5173').expect(200);
      expect(list.headers['access-control-expose-headers']).toMatch(/Content-Range/);
      expect(list.headers['content-range']).toMatch(/^operators 0-\d+\/\d+$/);

      const stranger = await admin.agent.get('/api/operator/operators').set('Origin', 'http://evil.test').expect(200);
      expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
