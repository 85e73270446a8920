import { randomUUID } from 'node:crypto';
import { summarizeAging, type AdjustmentInput, type OpenInvoiceInput, type StatementInput } from '../domain/aging';
import { collectionPriority } from '../domain/collection-priority';
import { addDays } from '../domain/dates';
import { testDb } from '../test/support/db';
import { priorityComponentsJson, refreshAccountStats, refreshDealerAccountStats, type AccountStatsRow } from './account-stats';
import type { Db } from './connection';

const CHICAGO = 'America/Chicago';
/** 12:00 CST on 2026-11-20. */
const NOON = new Date('2026-11-20T18:00:00Z');

let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(async () => {
  await db.destroy();
});

async function createDealer(overrides: Record<string, unknown> = {}): Promise<string> {
  const [dealer] = await db('dealers')
    .insert({ name: 'Stats Lumber', slug: `stats-${randomUUID()}`, integration_mode: 'file', time_zone: CHICAGO, ...overrides })
    .returning('id');
  return dealer.id;
}

async function createAccount(dealerId: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const [account] = await db('customer_accounts')
    .insert({ dealer_id: dealerId, erp_account_id: `A-${randomUUID().slice(0, 8)}`, name: 'Framing Co', ...overrides })
    .returning('id');
  return account.id;
}

let documentNumber = 0;
async function addInvoice(dealerId: string, accountId: string, dueDate: string, amount: number, balance = amount, status = 'open'): Promise<string> {
  const [invoice] = await db('invoices')
    .insert({
      dealer_id: dealerId, customer_account_id: accountId, invoice_number: `INV-${++documentNumber}-${randomUUID().slice(0, 6)}`,
      invoice_date: addDays(dueDate, -30), due_date: dueDate, amount_cents: amount, balance_cents: balance, status,
    })
    .returning('id');
  return invoice.id;
}

async function addAdjustment(dealerId: string, accountId: string, kind: 'credit' | 'debit', amount: number, balance = amount, status = 'open'): Promise<void> {
  await db('adjustments').insert({
    dealer_id: dealerId, customer_account_id: accountId, kind, reason: kind === 'credit' ? 'credit' : 'charge',
    adjustment_number: `ADJ-${++documentNumber}-${randomUUID().slice(0, 6)}`, amount_cents: amount, balance_cents: balance, status,
  });
}

async function addStatement(dealerId: string, accountId: string, statement: { discount: number; discountDate: string | null; dueDate: string; status?: string }): Promise<void> {
  await db('statements').insert({
    dealer_id: dealerId, customer_account_id: accountId, statement_number: `ST-${++documentNumber}-${randomUUID().slice(0, 6)}`,
    statement_date: '2026-11-01', balance_cents: 100_000, discount_cents: statement.discount, discount_date: statement.discountDate,
    due_date: statement.dueDate, status: statement.status ?? 'open',
  });
}

/** Accounts get a zero placeholder row when created (migration 014) until their first refresh. */
async function neverRefreshed(accountId: string): Promise<boolean> {
  const row = await stats(accountId);
  return row === undefined || (row.outstanding_cents === 0 && Object.keys(row.priority_components).length === 0);
}

async function stats(accountId: string): Promise<(AccountStatsRow & { computed_at: Date }) | undefined> {
  return db('account_stats').where({ customer_account_id: accountId }).first();
}

describe('refreshAccountStats', () => {
  it('computes every column from open balances in the dealer time zone', async () => {
    const dealerId = await createDealer({ collection_priority_scale_cents: 800_000 });
    const accountId = await createAccount(dealerId, { credit_limit_cents: 20_000 });
    await addInvoice(dealerId, accountId, '2026-12-01', 10_000); // current
    await addInvoice(dealerId, accountId, '2026-11-20', 5_000); // due today: current
    await addInvoice(dealerId, accountId, '2026-11-10', 8_000, 3_000, 'partially_paid'); // 10 days, $30 left
    await addInvoice(dealerId, accountId, '2026-09-21', 4_000); // 60 days
    await addInvoice(dealerId, accountId, '2026-08-01', 2_000); // 111 days
    await addInvoice(dealerId, accountId, '2026-08-01', 9_000, 0, 'paid');
    await addInvoice(dealerId, accountId, '2026-08-01', 9_000, 9_000, 'void');
    await addAdjustment(dealerId, accountId, 'debit', 1_500);
    await addAdjustment(dealerId, accountId, 'debit', 1_000, 0, 'applied');
    await addAdjustment(dealerId, accountId, 'credit', 2_000, 700, 'partially_applied');
    await addAdjustment(dealerId, accountId, 'credit', 3_000, 3_000, 'void');
    await addStatement(dealerId, accountId, { discount: 250, discountDate: '2026-11-20', dueDate: '2026-11-30' });
    await addStatement(dealerId, accountId, { discount: 400, discountDate: '2026-11-19', dueDate: '2026-11-30' });

    await refreshAccountStats(db, [accountId], NOON);

    const row = await stats(accountId);
    const expectedAging = {
      outstanding_cents: 24_000,
      current_cents: 15_000,
      past_due_cents: 9_000,
      aging_1_30_cents: 3_000,
      aging_31_60_cents: 4_000,
      aging_61_90_cents: 0,
      aging_91_plus_cents: 2_000,
      debit_adjustments_cents: 1_500,
      credit_adjustments_cents: 700,
      discounts_cents: 250,
      open_invoice_count: 5,
      current_invoice_count: 2,
      past_due_invoice_count: 3,
      // (3000·10 + 4000·60 + 2000·111) / 9000 = 54.666… days
      weighted_days_overdue_x100: 5467,
    };
    const priority = collectionPriority({
      aging: {
        outstandingCents: 24_000, pastDueCents: 9_000, aging1To30Cents: 3_000, aging31To60Cents: 4_000, aging61To90Cents: 0,
        aging91PlusCents: 2_000, pastDueInvoiceCount: 3, weightedDaysOverdueX100: 5467, debitAdjustmentsCents: 1_500, creditAdjustmentsCents: 700,
      },
      accountStatus: 'active',
      creditLimitCents: 20_000,
      referenceBalanceCents: 800_000,
    });
    expect(row).toEqual({
      customer_account_id: accountId,
      dealer_id: dealerId,
      // Copied from the account by trigger (migration 056), not computed.
      account_status: 'active',
      ...expectedAging,
      collection_priority: priority.score,
      priority_components: priorityComponentsJson(priority),
      as_of: '2026-11-20',
      lien_deadline_date: null,
      computed_at: expect.any(Date),
    });
    expect(priority.score).toBe(5);
    // Exposure counts open adjustments: 240.00 + 15.00 − 7.00 = 248.00 against a 200.00 limit.
    expect(row!.priority_components.credit_limit).toEqual({ tenths: 5, max_tenths: 10, label: '124% of $200.00 limit' });
  });

  it('ages at midnight in the dealer office, not at midnight UTC', async () => {
    const dealerId = await createDealer();
    const accountId = await createAccount(dealerId);
    await addInvoice(dealerId, accountId, '2026-11-05', 10_000);

    await refreshAccountStats(db, [accountId], new Date('2026-11-06T05:30:00Z')); // 23:30 on Nov 5 in Chicago
    expect(await stats(accountId)).toMatchObject({ as_of: '2026-11-05', current_cents: 10_000, past_due_cents: 0 });

    await refreshAccountStats(db, [accountId], new Date('2026-11-06T06:30:00Z')); // 00:30 on Nov 6
    expect(await stats(accountId)).toMatchObject({ as_of: '2026-11-06', current_cents: 0, past_due_cents: 10_000, aging_1_30_cents: 10_000, weighted_days_overdue_x100: 100 });
  });

  it('reflects a payment on the next refresh', async () => {
    const dealerId = await createDealer();
    const accountId = await createAccount(dealerId);
    const invoiceId = await addInvoice(dealerId, accountId, '2026-10-01', 50_000);
    await addInvoice(dealerId, accountId, '2026-12-15', 20_000);
    await refreshAccountStats(db, [accountId], NOON);
    const before = (await stats(accountId))!;
    expect(before).toMatchObject({ outstanding_cents: 70_000, past_due_cents: 50_000, aging_31_60_cents: 50_000 });

    await db('invoices').where({ id: invoiceId }).update({ balance_cents: 15_000, status: 'partially_paid' });
    await refreshAccountStats(db, [accountId], NOON);
    expect(await stats(accountId)).toMatchObject({ outstanding_cents: 35_000, past_due_cents: 15_000, aging_31_60_cents: 15_000, open_invoice_count: 2 });

    await db('invoices').where({ id: invoiceId }).update({ balance_cents: 0, status: 'paid' });
    await refreshAccountStats(db, [accountId], NOON);
    const after = (await stats(accountId))!;
    expect(after).toMatchObject({ outstanding_cents: 20_000, past_due_cents: 0, open_invoice_count: 1, past_due_invoice_count: 0, weighted_days_overdue_x100: 0 });
    expect(after.collection_priority).toBeLessThan(before.collection_priority);
  });

  it('touches only the accounts it is given', async () => {
    const dealerId = await createDealer();
    const touched = await createAccount(dealerId);
    const untouched = await createAccount(dealerId);
    await addInvoice(dealerId, touched, '2026-11-01', 1_000);
    await addInvoice(dealerId, untouched, '2026-11-01', 2_000);
    await refreshAccountStats(db, [touched, untouched], NOON);
    const untouchedBefore = (await stats(untouched))!;

    await addInvoice(dealerId, untouched, '2026-11-01', 3_000); // changed, but not passed below
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the clock move so a rewrite would show
    await addInvoice(dealerId, touched, '2026-11-02', 4_000);
    await refreshAccountStats(db, [touched], NOON);

    expect(await stats(untouched)).toEqual(untouchedBefore);
    expect(await stats(touched)).toMatchObject({ outstanding_cents: 5_000 });
  });

  it('writes an all-zero row for an account with nothing open and removes the row of a deleted account', async () => {
    const dealerId = await createDealer();
    const empty = await createAccount(dealerId);
    const deleted = await createAccount(dealerId);
    await addInvoice(dealerId, deleted, '2026-11-01', 1_000);
    await refreshAccountStats(db, [empty, deleted, randomUUID()], NOON);
    expect(await stats(empty)).toMatchObject({ outstanding_cents: 0, open_invoice_count: 0, collection_priority: 0, as_of: '2026-11-20' });
    expect(await stats(deleted)).toMatchObject({ outstanding_cents: 1_000 });

    await db('customer_accounts').where({ id: deleted }).update({ deleted_at: db.fn.now() });
    await refreshAccountStats(db, [deleted], NOON);
    expect(await stats(deleted)).toBeUndefined();
  });

  it('commits with the caller’s transaction and disappears with its rollback', async () => {
    const dealerId = await createDealer();
    const accountId = await createAccount(dealerId);
    await expect(db.transaction(async (trx) => {
      await trx('invoices').insert({
        dealer_id: dealerId, customer_account_id: accountId, invoice_number: `INV-RB-${randomUUID()}`,
        invoice_date: '2026-10-01', due_date: '2026-10-31', amount_cents: 9_000, balance_cents: 9_000,
      });
      await refreshAccountStats(trx, [accountId], NOON);
      expect(await trx('account_stats').where({ customer_account_id: accountId }).first()).toMatchObject({ outstanding_cents: 9_000 });
      throw new Error('rolled back on purpose');
    })).rejects.toThrow('rolled back on purpose');
    expect(await neverRefreshed(accountId)).toBe(true);
  });

  it('never lets a concurrent refresh overwrite a newer change with stale figures', async () => {
    const dealerId = await createDealer();
    const accountId = await createAccount(dealerId);
    const first = await addInvoice(dealerId, accountId, '2026-12-01', 10_000);
    const second = await addInvoice(dealerId, accountId, '2026-12-01', 20_000);
    await refreshAccountStats(db, [accountId], NOON);

    const trxA = await db.transaction();
    await trxA('invoices').where({ id: first }).update({ balance_cents: 1_000, status: 'partially_paid' });
    await refreshAccountStats(trxA, [accountId], NOON);

    const trxB = await db.transaction();
    const backendB = (await trxB.raw('select pg_backend_pid() as pid')).rows[0].pid as number;
    await trxB('invoices').where({ id: second }).update({ balance_cents: 2_000, status: 'partially_paid' });
    const refreshB = refreshAccountStats(trxB, [accountId], NOON);
    await waitUntilBlockedOnALock(backendB);
    await trxA.commit();
    await refreshB;
    await trxB.commit();

    expect(await stats(accountId)).toMatchObject({ outstanding_cents: 3_000 });
  });
});

async function waitUntilBlockedOnALock(backendPid: number): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const { rows } = await db.raw(`select 1 from pg_stat_activity where pid = ? and wait_event_type = 'Lock'`, [backendPid]);
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the second refresh never waited for the first');
}

describe('SQL aggregation and the domain rules agree', () => {
  it('gives the same figures and priority as domain/aging and domain/collection-priority on random portfolios', async () => {
    const timeZones = ['America/Chicago', 'America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu', 'Europe/Berlin'];
    let seed = 20261120;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (const timeZone of timeZones) {
      const dealerId = await createDealer({ time_zone: timeZone, collection_priority_scale_cents: 50_000 + random(1_000_000) });
      const now = new Date(Date.parse('2026-11-20T00:00:00Z') + random(48) * 3_600_000 + random(60) * 60_000);
      const accounts: { id: string; invoices: OpenInvoiceInput[]; adjustments: AdjustmentInput[]; statements: StatementInput[]; status: string; limit: number | null }[] = [];
      for (let a = 0; a < 6; a += 1) {
        const status = random(4) === 0 ? 'inactive' : 'active';
        const limit = random(3) === 0 ? null : random(200_000);
        const id = await createAccount(dealerId, { status, credit_limit_cents: limit });
        const account = { id, invoices: [] as OpenInvoiceInput[], adjustments: [] as AdjustmentInput[], statements: [] as StatementInput[], status, limit };
        for (let i = random(9); i > 0; i -= 1) {
          const statusIndex = random(4);
          const invoiceStatus = ['open', 'partially_paid', 'paid', 'void'][statusIndex]!;
          const amount = 1 + random(500_000);
          const balance = invoiceStatus === 'paid' ? 0 : invoiceStatus === 'partially_paid' ? random(amount) : amount;
          const dueDate = addDays('2026-11-20', random(260) - 160);
          await addInvoice(dealerId, id, dueDate, amount, balance, invoiceStatus);
          account.invoices.push({ status: invoiceStatus, dueDate, balanceCents: balance });
        }
        for (let j = random(4); j > 0; j -= 1) {
          const kind = random(2) === 0 ? 'credit' : 'debit';
          const adjustmentStatus = ['open', 'partially_applied', 'applied', 'void'][random(4)]!;
          const amount = 1 + random(50_000);
          const balance = adjustmentStatus === 'applied' ? 0 : adjustmentStatus === 'partially_applied' ? random(amount) : amount;
          await addAdjustment(dealerId, id, kind, amount, balance, adjustmentStatus);
          account.adjustments.push({ kind, status: adjustmentStatus, balanceCents: balance });
        }
        for (let k = random(3); k > 0; k -= 1) {
          const statement = {
            discount: random(3_000), discountDate: random(3) === 0 ? null : addDays('2026-11-20', random(5) - 2),
            dueDate: addDays('2026-11-20', random(5) - 2), status: random(4) === 0 ? 'paid' : 'open',
          };
          await addStatement(dealerId, id, statement);
          account.statements.push({ status: statement.status, discountCents: statement.discount, discountDate: statement.discountDate, dueDate: statement.dueDate });
        }
        accounts.push(account);
      }
      await refreshAccountStats(db, accounts.map((account) => account.id), now);
      const scale = (await db('dealers').where({ id: dealerId }).first('collection_priority_scale_cents')).collection_priority_scale_cents;
      for (const account of accounts) {
        const aging = summarizeAging({ dealerTimeZone: timeZone, now, invoices: account.invoices, adjustments: account.adjustments, statements: account.statements });
        const priority = collectionPriority({ aging, accountStatus: account.status, creditLimitCents: account.limit, referenceBalanceCents: scale });
        const row = (await stats(account.id))!;
        expect({ timeZone, row: { ...row, computed_at: undefined } }).toEqual({
          timeZone,
          row: {
            customer_account_id: account.id, dealer_id: dealerId, account_status: account.status,
            outstanding_cents: aging.outstandingCents, current_cents: aging.currentCents, past_due_cents: aging.pastDueCents,
            aging_1_30_cents: aging.aging1To30Cents, aging_31_60_cents: aging.aging31To60Cents, aging_61_90_cents: aging.aging61To90Cents,
            aging_91_plus_cents: aging.aging91PlusCents, debit_adjustments_cents: aging.debitAdjustmentsCents,
            credit_adjustments_cents: aging.creditAdjustmentsCents, discounts_cents: aging.discountsCents,
            open_invoice_count: aging.openInvoiceCount, current_invoice_count: aging.currentInvoiceCount,
            past_due_invoice_count: aging.pastDueInvoiceCount, weighted_days_overdue_x100: aging.weightedDaysOverdueX100,
            collection_priority: priority.score, priority_components: priorityComponentsJson(priority), as_of: aging.asOf, lien_deadline_date: null,
            computed_at: undefined,
          },
        });
      }
    }
  });
});

describe('refreshDealerAccountStats', () => {
  it('stores the dealer median balance and recomputes every account in chunks', async () => {
    const dealerId = await createDealer();
    const balances = [0, 100_000, 300_000, 700_000, 9_000_000];
    const ids: string[] = [];
    for (const balance of balances) {
      const id = await createAccount(dealerId);
      ids.push(id);
      if (balance > 0) await addInvoice(dealerId, id, '2026-10-01', balance);
    }
    const otherDealer = await createDealer();
    const otherAccount = await createAccount(otherDealer);
    await addInvoice(otherDealer, otherAccount, '2026-10-01', 1_000_000);

    const progress: number[] = [];
    const result = await refreshDealerAccountStats(db, dealerId, NOON, { chunkSize: 2, onChunk: (done) => progress.push(done) });

    expect(result).toEqual({ accounts: 5, medianBalanceCents: 300_000 });
    expect(progress).toEqual([2, 4, 5]);
    expect(await db('dealer_ar_reference').where({ dealer_id: dealerId }).first()).toMatchObject({ median_balance_cents: 300_000, accounts_with_balance: 4 });
    expect(await db('account_stats').where({ dealer_id: dealerId }).count<{ count: number }[]>('* as count')).toEqual([{ count: 5 }]);
    expect(await neverRefreshed(otherAccount)).toBe(true);
    // The median now scales priority: $7,000 past due is 2.3× this dealer's typical balance.
    expect((await stats(ids[3]!))!.priority_components.past_due_amount!.label).toBe('$7,000.00 past due (2.3× typical balance)');
  });

  it('computes the typical balance on a dealer’s first refresh instead of waiting for the night', async () => {
    const dealerId = await createDealer();
    const ids: string[] = [];
    for (const balance of [200_000, 400_000, 900_000]) {
      const id = await createAccount(dealerId);
      ids.push(id);
      await addInvoice(dealerId, id, '2026-10-01', balance);
    }
    await refreshAccountStats(db, ids, NOON);
    expect(await db('dealer_ar_reference').where({ dealer_id: dealerId }).first()).toMatchObject({ median_balance_cents: 400_000, accounts_with_balance: 3 });
    expect((await stats(ids[2]!))!.priority_components.past_due_amount!.label).toBe('$9,000.00 past due (2.3× typical balance)');
  });

  it('prefers a configured scale to the median', async () => {
    const dealerId = await createDealer({ collection_priority_scale_cents: 1_000_000 });
    const accountId = await createAccount(dealerId);
    await addInvoice(dealerId, accountId, '2026-10-01', 500_000);
    await refreshDealerAccountStats(db, dealerId, NOON);
    expect((await stats(accountId))!.priority_components.past_due_amount!.label).toBe('$5,000.00 past due (0.5× typical balance)');
  });
});
