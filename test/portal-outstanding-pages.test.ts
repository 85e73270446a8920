import type { Db } from '../db/connection';
import { addDays, localDate } from '../domain/dates';
import { FIRST_ANSWER_ITEMS, JOB_PAGE_ITEMS, type Outstanding, type OutstandingItemsPage } from '../contracts/portal/outstanding';
import { testDb } from './support/db';
import { createDealer, startOperatorApp, type TestApp } from './support/operator';
import { createCustomerAccount, createInvoice, createJob, createPortalCustomer, signInCustomer, type CustomerSession } from './support/portal';

/**
 * A contractor with hundreds of open items: the Outstanding page's first answer carries every
 * total but only the first pages of items, and the rest come from /outstanding/items in the
 * page's own order, narrowed to an account, a job or chosen ids, never another company's.
 */
describe('portal Outstanding for a long book', () => {
  let db: Db;
  let api: TestApp;
  let customer: CustomerSession;
  let stranger: CustomerSession;
  let dealerId: string;
  let otherDealerId: string;
  let main: { id: string };
  let second: { id: string };
  let strangerAccount: { id: string };
  let strangerInvoiceId: string;
  let bigJob: string;
  let smallJob: string;
  const bigJobIds: string[] = [];
  const smallJobIds: string[] = [];
  const unassignedIds: string[] = [];
  const secondIds: string[] = [];
  let mainOwedCents = 0;
  const today = localDate(new Date(), 'America/Chicago');

  beforeAll(async () => {
    db = testDb();
    api = await startOperatorApp(db);
    const dealer = await createDealer(db, { name: 'Long Book Lumber' });
    dealerId = dealer.id;
    otherDealerId = (await createDealer(db, { name: 'Elsewhere Supply' })).id;
    main = await createCustomerAccount(db, dealerId, { name: 'Big Builder' });
    second = await createCustomerAccount(db, dealerId, { name: 'Big Builder (second yard)' });
    bigJob = (await createJob(db, dealerId, main.id, 'Tower Block')).id;
    smallJob = (await createJob(db, dealerId, main.id, 'Garage')).id;
    // 120 items on the most past-due job, so it comes first; due dates spread so order is by date.
    for (let i = 0; i < 120; i++) {
      const cents = 1_000 + i;
      mainOwedCents += cents;
      bigJobIds.push((await createInvoice(db, dealerId, main.id, { number: `T-${String(i).padStart(4, '0')}`, jobId: bigJob, amountCents: cents, dueDate: addDays(today, -200 + i) })).id);
    }
    for (let i = 0; i < 30; i++) {
      mainOwedCents += 500;
      smallJobIds.push((await createInvoice(db, dealerId, main.id, { number: `G-${String(i).padStart(4, '0')}`, jobId: smallJob, amountCents: 500, dueDate: addDays(today, -10 + i) })).id);
    }
    for (let i = 0; i < 5; i++) {
      mainOwedCents += 300;
      unassignedIds.push((await createInvoice(db, dealerId, main.id, { number: `U-${i}`, amountCents: 300, dueDate: addDays(today, i) })).id);
    }
    for (let i = 0; i < 10; i++) secondIds.push((await createInvoice(db, dealerId, second.id, { number: `S-${i}`, amountCents: 200, dueDate: addDays(today, i) })).id);
    const company = await createPortalCustomer(db, [{ id: main.id, dealerId }, { id: second.id, dealerId }]);
    customer = await signInCustomer(api.app, company.email);

    strangerAccount = await createCustomerAccount(db, dealerId, { name: 'Someone Else' });
    strangerInvoiceId = (await createInvoice(db, dealerId, strangerAccount.id, { number: 'X-1', amountCents: 4_200, dueDate: today })).id;
    const strangerCompany = await createPortalCustomer(db, [{ id: strangerAccount.id, dealerId }]);
    stranger = await signInCustomer(api.app, strangerCompany.email);
  });

  afterAll(async () => {
    await api.close();
    await db.destroy();
  });

  const items = async (session: CustomerSession, params: Record<string, string | number>) =>
    session.get(`/api/portal/outstanding/items?${new URLSearchParams(Object.entries({ dealerId, ...params }).map(([key, value]) => [key, String(value)])).toString()}`);

  it('answers first with every total but only the first pages of items', async () => {
    const response = await customer.get(`/api/portal/outstanding?dealerId=${dealerId}`);
    expect(response.status).toBe(200);
    const body = response.body as Outstanding;
    const account = body.accounts.find((candidate) => candidate.id === main.id)!;
    expect(account.totals.outstandingCents).toBe(mainOwedCents);
    expect(account.jobs.map((job) => job.jobId)).toEqual([bigJob, smallJob, null]);
    const [big, small, unassigned] = account.jobs;
    expect(big!.invoiceCount).toBe(120);
    expect(big!.balanceCents).toBe(bigJobIds.length * 1_000 + (119 * 120) / 2);
    expect(big!.items.map((item) => item.id)).toEqual(bigJobIds.slice(0, JOB_PAGE_ITEMS));
    expect(big!.moreItems).toBe(120 - JOB_PAGE_ITEMS);
    const budgetLeft = FIRST_ANSWER_ITEMS - JOB_PAGE_ITEMS;
    expect(small!.items.length + small!.moreItems).toBe(30);
    expect(small!.items.map((item) => item.id)).toEqual(smallJobIds.slice(0, Math.min(30, budgetLeft)));
    expect(unassigned!.items.length + unassigned!.moreItems).toBe(5);
    const sent = account.jobs.reduce((sum, job) => sum + job.items.length, 0);
    expect(sent).toBeLessThanOrEqual(FIRST_ANSWER_ITEMS);
    const secondAccount = body.accounts.find((candidate) => candidate.id === second.id)!;
    expect(secondAccount.jobs[0]!.items).toHaveLength(10);
    expect(secondAccount.jobs[0]!.moreItems).toBe(0);
  });

  it('pages through a job in the page\'s order, exactly the items the first answer left out', async () => {
    const seen: string[] = [];
    let offset: number | null = JOB_PAGE_ITEMS;
    let pages = 0;
    while (offset !== null) {
      const response = await items(customer, { accountId: main.id, jobId: bigJob, offset, limit: JOB_PAGE_ITEMS });
      expect(response.status).toBe(200);
      const page = response.body as OutstandingItemsPage;
      expect(page.total).toBe(120);
      expect(page.items.every((item) => item.accountId === main.id && item.jobId === bigJob)).toBe(true);
      seen.push(...page.items.map((item) => item.id));
      offset = page.nextOffset;
      pages += 1;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(bigJobIds.slice(JOB_PAGE_ITEMS));

    const none = (await items(customer, { accountId: main.id, jobId: 'none', limit: 100 })).body as OutstandingItemsPage;
    expect(none.items.map((item) => item.id)).toEqual(unassignedIds);
    expect(none.nextOffset).toBeNull();
  });

  it('finds linked items by id on any of the company\'s accounts, and never another company\'s', async () => {
    const wanted = [bigJobIds[117]!, secondIds[3]!, strangerInvoiceId, smallJobIds[0]!];
    const page = (await items(customer, { ids: wanted.join(','), limit: 5_000 })).body as OutstandingItemsPage;
    expect(page.items.map((item) => [item.id, item.accountId]).sort()).toEqual([
      [bigJobIds[117], main.id], [secondIds[3], second.id], [smallJobIds[0], main.id],
    ].sort());
    expect(JSON.stringify(page)).not.toContain(strangerInvoiceId);
  });

  it('refuses another company\'s account or supplier and bad paging, naming the field', async () => {
    expect((await items(customer, { accountId: strangerAccount.id })).status).toBe(404);
    expect((await items(stranger, { accountId: main.id })).status).toBe(404);
    expect((await customer.get(`/api/portal/outstanding/items?dealerId=${otherDealerId}`)).status).toBe(404);
    const tooMany = await items(customer, { limit: 5_001 });
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('limit');
    const negative = await items(customer, { offset: -1 });
    expect(negative.status).toBe(400);
    expect(JSON.stringify(negative.body)).toContain('offset');
    // The stranger's own book is still theirs to read.
    const own = (await items(stranger, { accountId: strangerAccount.id })).body as OutstandingItemsPage;
    expect(own.items.map((item) => item.id)).toEqual([strangerInvoiceId]);
  });
});
