import { hashPassword } from '../../api/auth/passwords';
import type { Db } from '../../db/connection';

/**
 * A dealer's book at scale, generated in SQL from hashes of ids so every run builds the same
 * shape: accounts with realistic names, types, statuses and credit limits; invoices per
 * account (60% paid history, the rest open or partly paid, due dates spread over 230 days);
 * credit and debit adjustments on a quarter of the accounts; invitations on 30%. Statistics
 * come either from the real recompute (db/account-stats) or, for a book without invoices,
 * from synthetic figures.
 */
export const BENCH_PASSWORD = 'Bench-password-2026!';

export async function createBenchDealer(db: Db, slug: string, fields: Record<string, unknown> = {}): Promise<string> {
  const [dealer] = await db('dealers').insert({ name: `Bench ${slug}`, slug, integration_mode: 'spruce', time_zone: 'America/Chicago', ...fields }).returning('id');
  return dealer.id;
}

export async function seedAccounts(db: Db, dealerId: string, count: number): Promise<void> {
  await db.raw(
    `insert into customer_accounts (dealer_id, erp_account_id, name, account_type, status, credit_limit_cents)
     select :dealer, 'C' || lpad(g::text, 6, '0'),
       (array['Alder','Birch','Cedar','Dogwood','Elm','Fir','Ginkgo','Hemlock','Ironwood','Juniper','Kauri','Larch','Maple','Nutmeg','Oak','Pine','Quince','Redwood','Spruce','Teak'])[1 + g % 20]
         || ' ' || (array['Framing','Builders','Contractors','Decks','Exteriors','Finishing','Glass','Homes','Interiors','Joinery','Kitchens','Landscaping','Masonry','Roofing','Siding'])[1 + (g / 20) % 15]
         || ' ' || g,
       case when g % 10 = 0 then 'cash' when g % 97 = 0 then 'system' else 'credit' end,
       case when g % 17 = 0 then 'inactive' else 'active' end,
       case when g % 3 = 0 then (1 + g % 50) * 100000 else null end
     from generate_series(1, :count) g`,
    { dealer: dealerId, count },
  );
}

export async function seedInvoices(db: Db, dealerId: string, perAccount: number): Promise<void> {
  await db.raw(
    `insert into invoices (dealer_id, customer_account_id, invoice_number, invoice_date, due_date, amount_cents, balance_cents, status)
     select a.dealer_id, a.id, a.erp_account_id || '-' || k, due - 30, due, amount,
       case when h % 10 < 6 then 0 when h % 10 = 6 then amount / 2 else amount end,
       case when h % 10 < 6 then 'paid' when h % 10 = 6 then 'partially_paid' else 'open' end
     from customer_accounts a
     cross join lateral generate_series(1, :perAccount) k
     cross join lateral (select abs(hashtext(a.id::text || ':' || k)) as h) r
     cross join lateral (select date '2026-12-20' - (r.h / 10 % 230)::int as due, 1000 + (r.h / 7 % 500000) as amount) v
     where a.dealer_id = :dealer`,
    { dealer: dealerId, perAccount },
  );
}

export async function seedAdjustments(db: Db, dealerId: string): Promise<void> {
  await db.raw(
    `insert into adjustments (dealer_id, customer_account_id, kind, reason, adjustment_number, amount_cents, balance_cents, status)
     select a.dealer_id, a.id, case when k = 1 then 'credit' else 'debit' end, case when k = 1 then 'credit' else 'charge' end,
       'ADJ-' || a.erp_account_id || '-' || k, 5000, case when abs(hashtext(a.id::text || k)) % 3 = 0 then 0 else 5000 end,
       case when abs(hashtext(a.id::text || k)) % 3 = 0 then 'applied' else 'open' end
     from customer_accounts a cross join generate_series(1, 2) k
     where a.dealer_id = :dealer and abs(hashtext(a.id::text)) % 4 = 0`,
    { dealer: dealerId },
  );
}

/** Deterministic pseudo-random statistics over the zero rows new accounts get, for a book without invoices. */
export async function seedSyntheticStats(db: Db, dealerId: string): Promise<void> {
  await db.raw(
    `insert into account_stats (customer_account_id, dealer_id, outstanding_cents, current_cents, past_due_cents,
       aging_1_30_cents, aging_31_60_cents, aging_61_90_cents, aging_91_plus_cents, debit_adjustments_cents, credit_adjustments_cents,
       discounts_cents, open_invoice_count, current_invoice_count, past_due_invoice_count, weighted_days_overdue_x100,
       collection_priority, priority_components, as_of)
     select id, dealer_id, c + a1 + a2 + a3 + a4, c, a1 + a2 + a3 + a4, a1, a2, a3, a4, (h % 7) * 1500, (h % 11) * 900, (h % 13) * 100,
       1 + h % 9, 1 + h % 5, h % 4, (h % 9000), (h % 11), '{"components":[{"key":"aging_mix","tenths":20,"maxTenths":45,"label":"aging"}]}'::jsonb, current_date
     from (select id, dealer_id, h, (h % 500000) as c,
             case when h % 3 = 0 then (h % 90000) else 0 end as a1, case when h % 5 = 0 then (h % 70000) else 0 end as a2,
             case when h % 7 = 0 then (h % 50000) else 0 end as a3, case when h % 11 = 0 then (h % 40000) else 0 end as a4
           from (select id, dealer_id, abs(hashtext(id::text)) as h from customer_accounts where dealer_id = :dealer) x) y
     on conflict (customer_account_id) do update set
       outstanding_cents = excluded.outstanding_cents, current_cents = excluded.current_cents, past_due_cents = excluded.past_due_cents,
       aging_1_30_cents = excluded.aging_1_30_cents, aging_31_60_cents = excluded.aging_31_60_cents, aging_61_90_cents = excluded.aging_61_90_cents,
       aging_91_plus_cents = excluded.aging_91_plus_cents, debit_adjustments_cents = excluded.debit_adjustments_cents,
       credit_adjustments_cents = excluded.credit_adjustments_cents, discounts_cents = excluded.discounts_cents,
       open_invoice_count = excluded.open_invoice_count, current_invoice_count = excluded.current_invoice_count,
       past_due_invoice_count = excluded.past_due_invoice_count, weighted_days_overdue_x100 = excluded.weighted_days_overdue_x100,
       collection_priority = excluded.collection_priority, priority_components = excluded.priority_components`,
    { dealer: dealerId },
  );
}

export async function seedInvitations(db: Db, dealerId: string, salt: string): Promise<void> {
  await db.raw(
    `insert into invitations (dealer_id, customer_account_id, email, token_hash, status, expires_at, created_at)
     select dealer_id, id, 'ap+' || erp_account_id || '@customer.test', md5(id::text || :salt),
       (array['pending','accepted','declined','expired'])[1 + abs(hashtext(id::text)) % 4],
       now() + interval '3 days', now()
     from customer_accounts where dealer_id = :dealer and abs(hashtext(erp_account_id)) % 10 < 3`,
    { dealer: dealerId, salt },
  );
}

export async function createOperator(db: Db, dealerId: string, email: string): Promise<void> {
  await db('operator_users').insert({ dealer_id: dealerId, email, name: 'Bench', role: 'admin', status: 'active', password_hash: await hashPassword(BENCH_PASSWORD) });
}

export interface BigCustomer {
  accountId: string;
  email: string;
  items: number;
}

/**
 * One customer account owing `items` open items — 90% invoices over 40 jobs (a tenth
 * without a job), 6% debit and 4% credit adjustments, the latest statement listing a
 * tenth of them — linked to a portal login.
 */
export async function seedBigCustomer(db: Db, dealerId: string, items: number, email: string): Promise<BigCustomer> {
  const [account] = await db('customer_accounts').insert({ dealer_id: dealerId, erp_account_id: 'BIG-000001', name: 'Birch Framing Megaproject' }).returning('id');
  const invoices = Math.round(items * 0.9);
  const debits = Math.round(items * 0.06);
  const credits = items - invoices - debits;
  await db.raw(
    `insert into jobs (dealer_id, customer_account_id, erp_job_id, name)
     select :dealer, :account, 'JOB-BIG-' || g, 'Lot ' || g || ', Cedar Ridge subdivision' from generate_series(1, 40) g`,
    { dealer: dealerId, account: account.id },
  );
  const [statement] = await db('statements').insert({
    dealer_id: dealerId, customer_account_id: account.id, statement_number: 'ST-BIG-2026-10', statement_date: '2026-10-31',
    balance_cents: 0, discount_cents: 0, due_date: '2026-11-25',
  }).returning('id');
  await db.raw(
    `insert into invoices (dealer_id, customer_account_id, job_id, statement_id, invoice_number, invoice_date, due_date, amount_cents, balance_cents, status, po_number)
     select :dealer, :account,
       case when g % 10 = 0 then null else (select id from jobs where customer_account_id = :account and erp_job_id = 'JOB-BIG-' || (1 + g % 40)) end,
       case when g % 10 = 1 then :statement::uuid else null end,
       'INV-BIG-' || lpad(g::text, 6, '0'), date '2026-12-20' - (g % 200) - 30, date '2026-12-20' - (g % 200),
       2000 + (g * 7919) % 400000, case when g % 7 = 0 then (2000 + (g * 7919) % 400000) / 2 else 2000 + (g * 7919) % 400000 end,
       case when g % 7 = 0 then 'partially_paid' else 'open' end, case when g % 3 = 0 then 'PO-' || g else null end
     from generate_series(1, :count) g`,
    { dealer: dealerId, account: account.id, statement: statement.id, count: invoices },
  );
  await db.raw(
    `insert into adjustments (dealer_id, customer_account_id, job_id, kind, reason, adjustment_number, amount_cents, balance_cents, status, transaction_date, description)
     select :dealer, :account, null, case when g <= :debits then 'debit' else 'credit' end, case when g <= :debits then 'charge' else 'credit' end,
       'ADJ-BIG-' || lpad(g::text, 6, '0'), 1500 + (g * 131) % 20000, 1500 + (g * 131) % 20000, 'open', date '2026-11-01' - (g % 90), 'Bench adjustment ' || g
     from generate_series(1, :count) g`,
    { dealer: dealerId, account: account.id, debits, count: debits + credits },
  );
  await db.raw(
    `insert into statement_items (dealer_id, statement_id, item_type, invoice_id, amount_cents)
     select dealer_id, statement_id, 'invoice', id, balance_cents from invoices where statement_id = ?`,
    [statement.id],
  );
  const [company] = await db('customer_companies').insert({ name: 'Birch Framing LLC' }).returning('id');
  await db('portal_users').insert({ company_id: company.id, email, name: 'Pat Payables', password_hash: await hashPassword(BENCH_PASSWORD), terms_version: '2026-01', terms_accepted_at: db.fn.now() });
  await db('company_account_links').insert({ company_id: company.id, dealer_id: dealerId, customer_account_id: account.id });
  return { accountId: account.id, email, items: invoices + debits + credits };
}

export interface ReceivablesBookOptions {
  accounts: number;
  invoicesPerAccount: number;
  /** A second dealer sharing the tables, so every query must really filter by dealer. */
  otherDealerAccounts: number;
  /** Open items of the one big portal customer (0: none). */
  bigCustomerItems: number;
  /** Statistics time; fixed so the same data ages the same way on every run. */
  now: Date;
  log(line: string): void;
}

export interface ReceivablesBook {
  dealerId: string;
  otherDealerId: string;
  operatorEmail: string;
  bigCustomer: BigCustomer | null;
  counts: { accounts: number; invoices: number; open_invoices: number; adjustments: number };
  seed_ms: number;
  /** The nightly full recompute of the dealer's statistics, run to fill them. */
  full_recompute: { accounts: number; ms: number; accounts_per_s: number };
}

export async function buildReceivablesBook(db: Db, options: ReceivablesBookOptions): Promise<ReceivablesBook> {
  const { refreshDealerAccountStats } = await import('../../db/account-stats');
  const started = Date.now();
  const slug = `bench-${process.pid}-${Date.now().toString(36)}`;
  const dealerId = await createBenchDealer(db, slug);
  const otherDealerId = await createBenchDealer(db, `${slug}-other`);
  for (const [id, count] of [[dealerId, options.accounts], [otherDealerId, options.otherDealerAccounts]] as const) {
    await seedAccounts(db, id, count);
    if (options.invoicesPerAccount > 0) {
      await seedInvoices(db, id, options.invoicesPerAccount);
      await seedAdjustments(db, id);
    }
    await seedInvitations(db, id, slug);
  }
  const operatorEmail = `ops-${slug}@dealer.test`;
  await createOperator(db, dealerId, operatorEmail);
  const bigCustomer = options.bigCustomerItems > 0 ? await seedBigCustomer(db, dealerId, options.bigCustomerItems, `ap-${slug}@contractor.test`) : null;
  await db.raw('analyze');
  const seedMs = Date.now() - started;
  const counts = (await db.raw(
    `select (select count(*) from customer_accounts)::int8 as accounts, (select count(*) from invoices)::int8 as invoices,
            (select count(*) from invoices where status in ('open','partially_paid'))::int8 as open_invoices,
            (select count(*) from adjustments)::int8 as adjustments`,
  )).rows[0];
  options.log(`seeded ${counts.accounts} accounts, ${counts.invoices} invoices (${counts.open_invoices} open), ${counts.adjustments} adjustments in ${(seedMs / 1000).toFixed(1)} s`);

  let fullRecompute = { accounts: 0, ms: 0, accounts_per_s: 0 };
  if (options.invoicesPerAccount > 0) {
    const recomputeStarted = Date.now();
    const result = await refreshDealerAccountStats(db, dealerId, options.now);
    const ms = Date.now() - recomputeStarted;
    fullRecompute = { accounts: result.accounts, ms, accounts_per_s: Math.round(result.accounts / (ms / 1000)) };
    await refreshDealerAccountStats(db, otherDealerId, options.now);
    options.log(`full statistics recompute (nightly): ${result.accounts} accounts in ${(ms / 1000).toFixed(2)} s (${fullRecompute.accounts_per_s} accounts/s)`);
  } else {
    await seedSyntheticStats(db, dealerId);
    await seedSyntheticStats(db, otherDealerId);
  }
  // The steady state autovacuum leaves: statistics current, visibility map set.
  await db.raw('vacuum analyze');
  return { dealerId, otherDealerId, operatorEmail, bigCustomer, counts, seed_ms: seedMs, full_recompute: fullRecompute };
}
