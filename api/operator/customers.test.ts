import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/connection';
import { testDb } from '../../test/support/db';
import { createDealer, createOperator, listQuery, seedAccounts, signIn, startOperatorApp, type SignedIn, type TestApp } from '../../test/support/operator';
import { CUSTOMER_SORTABLE } from './customer-query';

/**
 * The Customers Dashboard API against the real database: ra-data-simple-rest protocol,
 * every sortable column both ways, filters, the stats panel, the CSV export and tenancy.
 */

// Deterministic, distinct-looking figures per account so that an unsorted answer cannot pass
// a monotonic check by accident.
const figure = (index: number, salt: number) => ((index * 7919 + salt * 104729) % 9973) * 100 + index;

const NAMES = [
  'Alder Framing', 'Birch Builders', 'Cedar Contractors', '=HYPERLINK("http://evil.test","x")', 'Dogwood Decks',
  '+Elm Exteriors', '@Fir Finishing', 'Ginkgo Glass', 'Hemlock Homes', '-Ironwood Interiors', '\tJuniper Joinery', 'Kauri Kitchens',
];

/** Every third account has a credit limit; the first one is comfortably within it. */
const limitFor = (index: number) => (index % 3 !== 0 ? null : index === 0 ? 1_000_000 : 500_000 + index * 1000);

function statsFor(index: number) {
  const aging: [number, number, number, number] = [figure(index, 1) * (index % 2), figure(index, 2) * (index % 3 === 0 ? 1 : 0), figure(index, 3) * (index % 4 === 1 ? 1 : 0), figure(index, 4) * (index % 5 === 2 ? 1 : 0)];
  const current = figure(index, 5);
  const pastDue = aging.reduce((a, b) => a + b, 0);
  return {
    outstanding_cents: current + pastDue,
    current_cents: current,
    past_due_cents: pastDue,
    aging_1_30_cents: aging[0],
    aging_31_60_cents: aging[1],
    aging_61_90_cents: aging[2],
    aging_91_plus_cents: aging[3],
    debit_adjustments_cents: figure(index, 6),
    credit_adjustments_cents: figure(index, 7),
    discounts_cents: figure(index, 8),
    open_invoice_count: (index * 5) % 11 + 1,
    current_invoice_count: 1,
    past_due_invoice_count: (index * 3) % 7,
    weighted_days_overdue_x100: figure(index, 9) % 12000,
    collection_priority: (index * 7) % 11,
    // As db/account-stats.ts stores them.
    priority_components: { aging_mix: { tenths: 30 + index, max_tenths: 45, label: 'Aging mix' }, balance: { tenths: 5, max_tenths: 10, label: 'Balance' } },
  };
}

describe('operator API: customers dashboard', () => {
  let db: Db;
  let testApp: TestApp;
  let dealerId: string;
  let admin: SignedIn;
  let otherDealerOperator: SignedIn;
  let accounts: Array<{ id: string; erp_account_id: string }>;
  let otherAccounts: Array<{ id: string; erp_account_id: string }>;
  const byNumber = (erp: string) => accounts.find((account) => account.erp_account_id === erp)!.id;

  beforeAll(async () => {
    db = testDb();
    testApp = await startOperatorApp(db);
    const dealer = await createDealer(db);
    dealerId = dealer.id;
    const operator = await createOperator(db, dealerId, { role: 'admin' });
    accounts = await seedAccounts(
      db,
      dealerId,
      NAMES.map((name, index) => ({
        erp_account_id: `C-${String(1000 + index)}`,
        name,
        status: index % 6 === 5 ? 'inactive' : 'active',
        account_type: index % 4 === 0 ? 'cash' : 'credit',
        credit_limit_cents: limitFor(index),
        stats: statsFor(index),
      })),
    );
    // One account the statistics refresher has not reached yet: it shows zeros.
    accounts.push(...(await seedAccounts(db, dealerId, [{ erp_account_id: 'C-2000', name: 'Larch Landscaping', stats: null }])));

    const invite = (accountId: string, status: string, expiresInMs: number, createdAgoMs = 0) =>
      db('invitations').insert({
        dealer_id: dealerId, customer_account_id: accountId, email: `ap-${randomUUID().slice(0, 6)}@customer.test`, token_hash: randomUUID(),
        status, expires_at: new Date(Date.now() + expiresInMs), created_at: new Date(Date.now() - createdAgoMs),
      });
    await invite(byNumber('C-1000'), 'pending', 86_400_000);
    await invite(byNumber('C-1001'), 'superseded', 86_400_000, 60_000);
    await invite(byNumber('C-1001'), 'accepted', 86_400_000);
    await invite(byNumber('C-1002'), 'declined', 86_400_000);
    // Still "pending" in the table, but its link lapsed: the dashboard says expired.
    await invite(byNumber('C-1003'), 'pending', -60_000);
    await db('contacts').insert([
      { dealer_id: dealerId, customer_account_id: byNumber('C-1000'), erp_contact_id: `K-${randomUUID().slice(0, 6)}`, name: 'Pat Payables', email: 'pat@alder.test', is_primary: true },
      { dealer_id: dealerId, customer_account_id: byNumber('C-1000'), erp_contact_id: `K-${randomUUID().slice(0, 6)}`, name: 'Sam Site', phone: '555-0100' },
    ]);

    const other = await createDealer(db);
    const otherOperator = await createOperator(db, other.id, { role: 'admin' });
    otherAccounts = await seedAccounts(db, other.id, [
      { erp_account_id: 'C-1000', name: 'Alder Framing (other dealer)', stats: { outstanding_cents: 99_999_999, collection_priority: 10 } },
      { erp_account_id: 'X-1', name: 'Other Only Co', stats: { outstanding_cents: 12_345, collection_priority: 9 } },
    ]);

    admin = await signIn(testApp.app, operator.email);
    otherDealerOperator = await signIn(testApp.app, otherOperator.email);
  });

  afterAll(async () => {
    await testApp.close();
    await db.destroy();
  });

  it('answers a bare JSON array with Content-Range, sorted by Collection Priority (ties: larger balance) by default', async () => {
    const response = await admin.get('/api/operator/customers').expect(200);
    expect(Array.isArray(response.body)).toBe(true);
    expect(response.headers['content-range']).toBe(`customers 0-${accounts.length - 1}/${accounts.length}`);
    const rows = response.body as Array<{ collection_priority: number; outstanding_cents: number }>;
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      expect(a.collection_priority > b.collection_priority || (a.collection_priority === b.collection_priority && a.outstanding_cents >= b.outstanding_cents)).toBe(true);
    }
    expect(rows[0]!.collection_priority).toBe(10);
  });

  it('returns every dashboard column, money as integer cents', async () => {
    const response = await admin.get(`/api/operator/customers${listQuery({ filter: { id: [byNumber('C-1000')] } })}`).expect(200);
    const [row] = response.body;
    const expected = statsFor(0);
    expect(row).toMatchObject({
      id: byNumber('C-1000'), name: 'Alder Framing', erp_account_id: 'C-1000', account_type: 'cash', status: 'active',
      collection_priority: expected.collection_priority, outstanding_cents: expected.outstanding_cents, current_cents: expected.current_cents,
      past_due_cents: expected.past_due_cents, debit_adjustments_cents: expected.debit_adjustments_cents, credit_adjustments_cents: expected.credit_adjustments_cents,
      weighted_days_overdue: expected.weighted_days_overdue_x100 / 100, aging_1_30_cents: expected.aging_1_30_cents, aging_91_plus_cents: expected.aging_91_plus_cents,
      credit_limit_cents: 1_000_000, over_credit_limit: false, invitation_status: 'pending',
    });
    for (const key of Object.keys(row).filter((name) => name.endsWith('_cents'))) {
      if (row[key] !== null) expect(Number.isInteger(row[key])).toBe(true);
    }
  });

  it('shows an account whose statistics were never computed with zeros', async () => {
    const response = await admin.get(`/api/operator/customers${listQuery({ filter: { q: 'C-2000' } })}`).expect(200);
    expect(response.body).toHaveLength(1);
    expect(response.body[0]).toMatchObject({ name: 'Larch Landscaping', outstanding_cents: 0, collection_priority: 0, invitation_status: 'none' });
  });

  it.each(Object.keys(CUSTOMER_SORTABLE))('sorts by %s in both directions', async (field) => {
    const compare = (a: unknown, b: unknown) => {
      if (typeof a === 'number' && typeof b === 'number') return a - b;
      return String(a).toLowerCase() < String(b).toLowerCase() ? -1 : String(a).toLowerCase() > String(b).toLowerCase() ? 1 : 0;
    };
    for (const order of ['ASC', 'DESC'] as const) {
      const response = await admin.get(`/api/operator/customers${listQuery({ sort: [field, order], range: [0, 99] })}`).expect(200);
      const values = (response.body as Array<Record<string, unknown>>).map((row) => row[field]);
      expect(values).toHaveLength(accounts.length);
      // Null credit limits go last in both directions.
      const present = values.filter((value) => value !== null);
      expect(values.slice(present.length).every((value) => value === null)).toBe(true);
      for (let i = 1; i < present.length; i++) {
        const direction = compare(present[i - 1], present[i]);
        expect(order === 'ASC' ? direction <= 0 : direction >= 0).toBe(true);
      }
      expect(new Set(present.map(String)).size).toBeGreaterThan(1);
    }
  });

  it('accepts react-admin’s default sort by id', async () => {
    const response = await admin.get(`/api/operator/customers${listQuery({ sort: ['id', 'ASC'], range: [0, 99] })}`).expect(200);
    const ids = response.body.map((row: { id: string }) => row.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('pages with range and reports the slice in Content-Range, never repeating a row', async () => {
    const first = await admin.get(`/api/operator/customers${listQuery({ sort: ['name', 'ASC'], range: [0, 4] })}`).expect(200);
    const second = await admin.get(`/api/operator/customers${listQuery({ sort: ['name', 'ASC'], range: [5, 9] })}`).expect(200);
    const last = await admin.get(`/api/operator/customers${listQuery({ sort: ['name', 'ASC'], range: [10, 19] })}`).expect(200);
    expect(first.headers['content-range']).toBe(`customers 0-4/${accounts.length}`);
    expect(second.headers['content-range']).toBe(`customers 5-9/${accounts.length}`);
    expect(last.headers['content-range']).toBe(`customers 10-${accounts.length - 1}/${accounts.length}`);
    const ids = [...first.body, ...second.body, ...last.body].map((row: { id: string }) => row.id);
    expect(new Set(ids).size).toBe(accounts.length);
  });

  it('refuses an unknown sort field, an unknown filter and malformed parameters with 400', async () => {
    const badSort = await admin.get(`/api/operator/customers${listQuery({ sort: ['password_hash', 'ASC'] })}`).expect(400);
    expect(badSort.body.error.code).toBe('invalid_sort');
    const badFilter = await admin.get(`/api/operator/customers${listQuery({ filter: { dealer_id: randomUUID() } })}`).expect(400);
    expect(badFilter.body.error.code).toBe('invalid_filter');
    await admin.get('/api/operator/customers?range=[5,1]').expect(400);
    await admin.get('/api/operator/customers?filter=notjson').expect(400);
  });

  describe('filters', () => {
    const names = async (filter: Record<string, unknown>) => {
      const response = await admin.get(`/api/operator/customers${listQuery({ filter, sort: ['name', 'ASC'], range: [0, 99] })}`).expect(200);
      expect(Number(String(response.headers['content-range']).split('/')[1])).toBe(response.body.length);
      return (response.body as Array<{ name: string }>).map((row) => row.name);
    };

    it('searches by name, contained anywhere and case-insensitively', async () => {
      expect(await names({ q: 'builders' })).toEqual(['Birch Builders']);
      expect(await names({ q: 'ER' })).toEqual(expect.arrayContaining(['Alder Framing', 'Birch Builders', '+Elm Exteriors', '-Ironwood Interiors', '\tJuniper Joinery']));
    });

    it('searches by account number, and takes LIKE wildcards literally', async () => {
      expect(await names({ q: 'c-1006' })).toEqual(['@Fir Finishing']);
      expect(await names({ q: '100' })).toHaveLength(10);
      expect(await names({ q: '%' })).toEqual([]);
      expect(await names({ q: '_' })).toEqual([]);
    });

    it('filters by status', async () => {
      const inactive = await names({ status: 'inactive' });
      expect(inactive.sort()).toEqual([NAMES[5], NAMES[11]].sort());
      expect(await names({ status: 'active' })).toHaveLength(accounts.length - 2);
    });

    it('filters by invitation status, reading lapsed pending invitations as expired', async () => {
      expect(await names({ invitation_status: 'pending' })).toEqual(['Alder Framing']);
      expect(await names({ invitation_status: 'accepted' })).toEqual(['Birch Builders']);
      expect(await names({ invitation_status: 'declined' })).toEqual(['Cedar Contractors']);
      expect(await names({ invitation_status: 'expired' })).toEqual([NAMES[3]]);
      expect(await names({ invitation_status: 'none' })).toHaveLength(accounts.length - 4);
      expect(await names({ invitation_status: ['pending', 'accepted'] })).toEqual(['Alder Framing', 'Birch Builders']);
    });

    it('filters by aging bucket (has a balance in it)', async () => {
      const expected = NAMES.filter((_, index) => statsFor(index).aging_91_plus_cents > 0).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
      expect(expected.length).toBeGreaterThan(0);
      expect(await names({ aging_bucket: '91_plus' })).toEqual(expected);
    });

    it('filters accounts over their credit limit', async () => {
      const expected = NAMES.filter((_, index) => limitFor(index) !== null && statsFor(index).outstanding_cents > limitFor(index)!);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected).not.toContain('Alder Framing');
      const notOver = await names({ over_credit_limit: false });
      expect((await names({ over_credit_limit: true })).sort()).toEqual(expected.sort());
      expect(notOver).toHaveLength(accounts.length - expected.length);
      expect(await names({ over_credit_limit: 'true' })).toHaveLength(expected.length);
    });

    it('gets many by id (react-admin getMany)', async () => {
      const response = await admin.get(`/api/operator/customers${listQuery({ filter: { id: [byNumber('C-1001'), byNumber('C-1002')] } })}`).expect(200);
      expect(response.body.map((row: { erp_account_id: string }) => row.erp_account_id).sort()).toEqual(['C-1001', 'C-1002']);
    });

    it('combines filters with AND', async () => {
      expect(await names({ q: 'er', status: 'inactive' })).toEqual(['+Elm Exteriors']);
      expect(await names({ q: 'builders', status: 'inactive' })).toEqual([]);
      expect(await names({ q: 'alder', invitation_status: 'pending' })).toEqual(['Alder Framing']);
    });
  });

  describe('stats panel', () => {
    it('totals the dealer’s accounts', async () => {
      const response = await admin.get('/api/operator/customers/summary').expect(200);
      const all = NAMES.map((_, index) => statsFor(index));
      const total = (key: keyof ReturnType<typeof statsFor>) => all.reduce((sum, stats) => sum + (stats[key] as number), 0);
      expect(response.body).toEqual({
        id: 'summary',
        account_count: accounts.length,
        outstanding_invoice_count: total('open_invoice_count'),
        outstanding_cents: total('outstanding_cents'),
        current_cents: total('current_cents'),
        past_due_cents: total('past_due_cents'),
        debit_adjustments_cents: total('debit_adjustments_cents'),
        credit_adjustments_cents: total('credit_adjustments_cents'),
        discounts_cents: total('discounts_cents'),
        net_ar_cents: total('outstanding_cents') + total('debit_adjustments_cents') - total('credit_adjustments_cents'),
      });
    });

    it('honours the list filters', async () => {
      const response = await admin.get(`/api/operator/customers/summary${listQuery({ filter: { status: 'inactive' } })}`).expect(200);
      expect(response.body.account_count).toBe(2);
      expect(response.body.outstanding_cents).toBe(statsFor(5).outstanding_cents + statsFor(11).outstanding_cents);
      const pending = await admin.get(`/api/operator/customers/summary${listQuery({ filter: { invitation_status: 'pending' } })}`).expect(200);
      expect(pending.body.outstanding_cents).toBe(statsFor(0).outstanding_cents);
      const aging = await admin.get(`/api/operator/customers/summary${listQuery({ filter: { aging_bucket: '61_90' } })}`).expect(200);
      expect(aging.body.account_count).toBe(NAMES.filter((_, index) => statsFor(index).aging_61_90_cents > 0).length);
    });

    it('counts an account under its status as it is now, with an aging filter too', async () => {
      const expected = (status: string) => NAMES.filter((_, index) => (index % 6 === 5 ? 'inactive' : 'active') === status && statsFor(index).aging_61_90_cents > 0).length;
      const count = async (status: string) => (await admin.get(`/api/operator/customers/summary${listQuery({ filter: { status, aging_bucket: '61_90' } })}`).expect(200)).body.account_count as number;
      expect(await count('inactive')).toBe(expected('inactive'));
      const index = NAMES.findIndex((_, candidate) => candidate % 6 !== 5 && statsFor(candidate).aging_61_90_cents > 0);
      const id = byNumber(`C-${1000 + index}`);
      await db('customer_accounts').where({ id }).update({ status: 'inactive' });
      try {
        expect(await count('inactive')).toBe(expected('inactive') + 1);
        expect(await count('active')).toBe(expected('active') - 1);
      } finally {
        await db('customer_accounts').where({ id }).update({ status: 'active' });
      }
      expect(await count('inactive')).toBe(expected('inactive'));
    });
  });

  describe('CSV export', () => {
    const parseCsv = (text: string) => text.trim().split('\r\n').map((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.slice(0, -1).map((cell) => cell.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"')));

    it('downloads the filtered, sorted view with every column and the priority components', async () => {
      const response = await admin.get(`/api/operator/customers/export.csv${listQuery({ filter: { status: 'active' }, sort: ['outstanding_cents', 'DESC'] })}`).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      expect(response.headers['content-disposition']).toMatch(/attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"/);
      const [header, ...rows] = parseCsv(response.text);
      expect(header).toEqual(expect.arrayContaining(['account_name', 'erp_account_id', 'collection_priority', 'outstanding', 'aging_91_plus', 'weighted_avg_days_overdue', 'invitation_status', 'priority_aging_mix', 'priority_balance']));
      expect(rows).toHaveLength(accounts.length - 2);
      const outstanding = rows.map((row) => Number(row[header!.indexOf('outstanding')]));
      expect([...outstanding].sort((a, b) => b - a)).toEqual(outstanding);
      const alder = rows.find((row) => row[1] === 'C-1000')!;
      expect(alder[header!.indexOf('outstanding')]).toBe((statsFor(0).outstanding_cents / 100).toFixed(2));
      expect(alder[header!.indexOf('invitation_status')]).toBe('pending');
      expect(alder[header!.indexOf('priority_aging_mix')]).toBe('3.0');
    });

    it('neutralises cells a spreadsheet would run as formulas', async () => {
      const response = await admin.get(`/api/operator/customers/export.csv${listQuery({ sort: ['erp_account_id', 'ASC'] })}`).expect(200);
      const [, ...rows] = parseCsv(response.text);
      const nameOf = (erp: string) => rows.find((row) => row[1] === erp)![0];
      expect(nameOf('C-1003')).toBe(`'=HYPERLINK("http://evil.test","x")`);
      expect(nameOf('C-1005')).toBe(`'+Elm Exteriors`);
      expect(nameOf('C-1006')).toBe(`'@Fir Finishing`);
      expect(nameOf('C-1009')).toBe(`'-Ironwood Interiors`);
      expect(nameOf('C-1010')).toBe(`'\tJuniper Joinery`);
      expect(nameOf('C-1000')).toBe('Alder Framing');
      expect(response.text).not.toMatch(/(^|,)[=+@]/m);
    });

    it('refuses a bad filter before the download starts', async () => {
      const response = await admin.get(`/api/operator/customers/export.csv${listQuery({ filter: { nonsense: 1 } })}`).expect(400);
      expect(response.body.error.code).toBe('invalid_filter');
    });
  });

  describe('customer detail', () => {
    it('summarises balances, priority components, credit, contacts and portal access', async () => {
      const response = await admin.get(`/api/operator/customers/${byNumber('C-1000')}`).expect(200);
      const stats = statsFor(0);
      expect(response.body).toMatchObject({
        id: byNumber('C-1000'),
        name: 'Alder Framing',
        outstanding_cents: stats.outstanding_cents,
        aging_31_60_cents: stats.aging_31_60_cents,
        net_ar_cents: stats.outstanding_cents + stats.debit_adjustments_cents - stats.credit_adjustments_cents,
        priority_band: 'nothing_to_do',
        credit: { limit_cents: 1_000_000, available_cents: 1_000_000 - stats.outstanding_cents, utilisation_bps: Math.round((stats.outstanding_cents * 10_000) / 1_000_000) },
        portal_access: { state: 'invited', disabled: false, invitation: { status: 'pending' }, invite_to: 'pat@alder.test', companies: [] },
      });
      expect(response.body.priority_breakdown).toEqual([
        { key: 'aging_mix', label: 'Aging mix', tenths: 30, max_tenths: 45 },
        { key: 'balance', label: 'Balance', tenths: 5, max_tenths: 10 },
      ]);
      expect(response.body.contacts.map((contact: { name: string }) => contact.name)).toEqual(['Pat Payables', 'Sam Site']);
    });

    it('answers 404 for an unknown or malformed id', async () => {
      await admin.get(`/api/operator/customers/${randomUUID()}`).expect(404);
      await admin.get('/api/operator/customers/not-an-id').expect(404);
    });
  });

  describe('invitation status kept on the account', () => {
    const statusOf = async (erp: string) => {
      const response = await admin.get(`/api/operator/customers${listQuery({ filter: { q: erp } })}`).expect(200);
      return response.body[0].invitation_status as string;
    };

    it('follows every write to invitations: a new one, its answer, a superseded one and a deleted one', async () => {
      const account = byNumber('C-1008');
      expect(await statusOf('C-1008')).toBe('none');
      const [first] = await db('invitations').insert({
        dealer_id: dealerId, customer_account_id: account, email: 'hemlock@customer.test', token_hash: randomUUID(), expires_at: new Date(Date.now() + 86_400_000),
      }).returning('id');
      expect(await statusOf('C-1008')).toBe('pending');
      await db('invitations').where({ id: first.id }).update({ status: 'declined' });
      expect(await statusOf('C-1008')).toBe('declined');
      await db('invitations').where({ id: first.id }).update({ status: 'superseded' });
      expect(await statusOf('C-1008')).toBe('none');
      const [second] = await db('invitations').insert({
        dealer_id: dealerId, customer_account_id: account, email: 'hemlock@customer.test', token_hash: randomUUID(), expires_at: new Date(Date.now() - 1000),
      }).returning('id');
      expect(await statusOf('C-1008')).toBe('expired');
      await db('invitations').where({ id: second.id }).delete();
      await db('invitations').where({ id: first.id }).delete();
      expect(await statusOf('C-1008')).toBe('none');
    });

    it('sorts by the shown status whether or not a lapsed pending invitation is still unmarked', async () => {
      const order = async () => {
        const response = await admin.get(`/api/operator/customers${listQuery({ sort: ['invitation_status', 'ASC'], range: [0, 99] })}`).expect(200);
        return (response.body as Array<{ erp_account_id: string; invitation_status: string }>).map((row) => `${row.invitation_status}:${row.erp_account_id}`);
      };
      // C-1003's invitation lapsed but still says pending in the table: it sorts among the expired.
      const lapsed = await order();
      expect(lapsed.slice(0, 4).map((entry) => entry.split(':')[0])).toEqual(['accepted', 'declined', 'expired', 'none']);
      expect(lapsed[2]).toBe('expired:C-1003');
      expect(lapsed[lapsed.length - 1]).toBe('pending:C-1000');
      // Once the invitation workflow marks it, the stored column alone gives the same order.
      await db('invitations').where({ customer_account_id: byNumber('C-1003'), status: 'pending' }).update({ status: 'expired' });
      expect(await order()).toEqual(lapsed);
    });
  });

  describe('tenancy', () => {
    it('never lists, totals or exports another dealer’s accounts', async () => {
      const list = await otherDealerOperator.get(`/api/operator/customers${listQuery({ range: [0, 99] })}`).expect(200);
      expect(list.body.map((row: { id: string }) => row.id).sort()).toEqual(otherAccounts.map((account) => account.id).sort());
      const search = await otherDealerOperator.get(`/api/operator/customers${listQuery({ filter: { q: 'Birch' } })}`).expect(200);
      expect(search.body).toEqual([]);
      const mine = await admin.get(`/api/operator/customers${listQuery({ filter: { id: otherAccounts.map((account) => account.id) } })}`).expect(200);
      expect(mine.body).toEqual([]);
      const summary = await otherDealerOperator.get('/api/operator/customers/summary').expect(200);
      expect(summary.body).toMatchObject({ account_count: 2, outstanding_cents: 99_999_999 + 12_345 });
      const csv = await otherDealerOperator.get('/api/operator/customers/export.csv').expect(200);
      expect(csv.text).not.toContain('Birch');
    });

    it('answers 404 for another dealer’s account id', async () => {
      const response = await otherDealerOperator.get(`/api/operator/customers/${byNumber('C-1000')}`).expect(404);
      expect(response.body.error.code).toBe('not_found');
    });

    it('requires a session', async () => {
      const { default: request } = await import('supertest');
      await request(testApp.app).get('/api/operator/customers').expect(401);
      await request(testApp.app).get('/api/operator/customers/export.csv').expect(401);
    });
  });
});
