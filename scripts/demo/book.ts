/**
 * A lumber dealer's receivables book, generated deterministically from a seed: customer
 * accounts (contractors, cash and system accounts), contacts, jobs, open invoices spread
 * across the aging buckets relative to `today`, credit and debit adjustments, and monthly
 * statements with their items and prompt-payment discounts. Amounts are integer cents.
 * The objects have exactly the shapes of the Spruce API (docs/spruce-api.md).
 *
 * Loading it into the Spruce emulator (what the demo seed does):
 *
 *   POST {emulatorUrl}/admin/tenants               { "id": "northwind", "name": "Northwind Lumber", "api_key": "<key>" }
 *   PUT  {emulatorUrl}/admin/tenants/northwind/webhook
 *                                                  { "url": "{PUBLIC_URL}/webhooks/spruce", "secret": "<dealers.spruce_webhook_secret>" }
 *   POST {emulatorUrl}/admin/tenants/northwind/book   generateBook({ seed: 42, today: '2026-11-16' })
 *        → 201 { "loaded": { "accounts": 200, ... }, "head_seq": 9000 }
 *
 * The book endpoint loads accounts, jobs, contacts, invoices, adjustments and statements in
 * that order, each object one change in the feed (pushed to the webhook when registered).
 * Register the webhook first for real-time delivery; otherwise the sync workflow reads the
 * whole book from the change feed when it starts.
 */
import { addDays } from '../../domain/dates';
import type { AccountInput, AdjustmentInput, Book, ContactInput, InvoiceInput, JobInput, StatementInput } from '../../emulators/spruce/types';

export interface BookOptions {
  seed: number;
  /** The dealer's local date the aging is relative to (YYYY-MM-DD). */
  today: string;
  accounts?: number;
  /** Average open invoices per credit account. */
  invoicesPerAccount?: number;
}

export type GeneratedBook = Book & {
  accounts: Array<AccountInput & { id: string }>;
  invoices: Array<InvoiceInput & { id: string; amount_cents: number; balance_cents: number }>;
};

/** mulberry32: small, fast and identical on every platform, so a seed always gives the same book. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (probability: number) => next() < probability,
    /** Weighted choice: weights need not sum to 1. */
    weighted: <T>(entries: ReadonlyArray<readonly [T, number]>): T => {
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [value, weight] of entries) {
        roll -= weight;
        if (roll < 0) return value;
      }
      return entries.at(-1)![0];
    },
  };
}

const SURNAMES = ['Hallmark', 'Johnson', 'Miller', 'Anderson', 'Kowalski', 'Brennan', 'Olsen', 'Martinez', 'Schaefer', 'Whitaker', 'Lindqvist', 'Pruitt', 'Delgado', 'Harmon', 'Fitzgerald', 'Vance', 'Nakamura', 'Reyes', 'Thornton', 'Becker', 'Castillo', 'Dawson', 'Eriksen', 'Gallagher', 'Hoffman', 'Iverson', 'Jablonski', 'Keller', 'Lundgren', 'McAllister', 'Novak', 'Ostrowski', 'Patel', 'Quinlan', 'Rasmussen', 'Sorensen', 'Tran', 'Underwood', 'Voss', 'Weber', 'Yoder', 'Zimmerman'];
const PLACES = ['Ridgeline', 'Prairie', 'Cedar Creek', 'Northfield', 'Timberline', 'Lakeshore', 'Stonebridge', 'Red Oak', 'Bluestem', 'Heartland', 'Riverbend', 'Summit', 'Fox Valley', 'Ironwood', 'Maple Grove', 'Oak Hollow', 'Pinecrest', 'Willow Bend'];
const TRADES = ['Builders', 'Construction', 'Custom Homes', 'Framing', 'Remodeling', 'Roofing', 'Decks & Fences', 'Contracting', 'Homes', 'Carpentry', 'Renovations', 'Cabinet Works', 'Siding & Windows', 'Development'];
const SUFFIXES = ['', '', ' LLC', ' Inc.', ' Co.', ' & Sons', ' Group'];
const FIRST_NAMES = ['Dana', 'Mike', 'Jen', 'Carlos', 'Tom', 'Rachel', 'Luis', 'Karen', 'Steve', 'Amy', 'Brian', 'Nicole', 'Greg', 'Maria', 'Jeff', 'Holly', 'Pete', 'Sandra', 'Ray', 'Tina'];
const LAST_NAMES = ['Hughes', 'Novak', 'Ortiz', 'Price', 'Sullivan', 'Reed', 'Baker', 'Foster', 'Grant', 'Hayes', 'Jensen', 'Klein', 'Lopez', 'Moore', 'Nelson', 'Owens', 'Parker', 'Ross', 'Stone', 'Wells'];
const SUBDIVISIONS = ['Maple Ridge', 'Willow Creek', 'Harvest Hills', 'Prairie Point', 'Oak Meadows', 'Stonegate', 'Eagle Crossing', 'Timber Trails', 'Fox Run', 'Sunset Ridge', 'Heritage Park', 'Cedar Bluffs'];
const STREETS = ['Oak St', 'Main St', 'Elm Ave', 'Lincoln Rd', 'Park Ave', 'Ridge Rd', 'Lake Dr', 'Hillcrest Ln', 'County Rd 12', 'Mill St'];
const JOB_KINDS = ['Remodel', 'Addition', 'New Build', 'Deck', 'Garage', 'Re-roof', 'Basement Finish'];
const CITIES: ReadonlyArray<readonly [string, string, string]> = [
  ['Rochester', 'MN', '559'], ['Eau Claire', 'WI', '547'], ['Cedar Rapids', 'IA', '524'], ['Sioux Falls', 'SD', '571'],
  ['La Crosse', 'WI', '546'], ['Mankato', 'MN', '560'], ['Dubuque', 'IA', '520'], ['Fargo', 'ND', '581'],
];

const ACCOUNT_TYPES = [['credit', 82], ['cash', 12], ['system', 6]] as const;
// Share of open invoices per aging bucket, by days past due: [minDays, maxDays, weight].
const AGING = [[-30, 0, 44], [1, 30, 26], [31, 60, 13], [61, 90, 8], [91, 240, 9]] as const;

export function generateBook(options: BookOptions): GeneratedBook {
  const random = prng(options.seed);
  const accountCount = options.accounts ?? 200;
  const invoicesPerAccount = options.invoicesPerAccount ?? 31;
  const today = options.today;
  const book: GeneratedBook = { accounts: [], contacts: [], jobs: [], invoices: [], adjustments: [], statements: [] };
  const usedNames = new Set<string>();
  let invoiceNumber = 100_000;
  let creditNumber = 20_000;
  let debitNumber = 30_000;

  for (let index = 0; index < accountCount; index += 1) {
    const accountId = `C${10_001 + index}`;
    const type = random.weighted(ACCOUNT_TYPES);
    const name = type === 'system' ? systemAccountName(index) : uniqueName(random, usedNames);
    const [city, state, zipPrefix] = random.pick(CITIES);
    book.accounts.push({
      id: accountId,
      name,
      account_type: type,
      status: random.chance(0.05) ? 'inactive' : 'active',
      credit_limit_cents: type === 'credit' ? random.pick([5_000, 10_000, 15_000, 25_000, 50_000, 75_000, 100_000, 150_000, 250_000]) * 100 : null,
      address_line1: `${random.int(100, 9999)} ${random.pick(STREETS)}`,
      city,
      state,
      postal_code: `${zipPrefix}${String(random.int(1, 99)).padStart(2, '0')}`,
      phone: `(${random.int(200, 989)}) 555-${String(random.int(0, 9999)).padStart(4, '0')}`,
    });

    const domain = `${name.toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '').slice(0, 24) || 'example'}.test`;
    const contactCount = type === 'system' ? 1 : random.int(1, 3);
    for (let c = 0; c < contactCount; c += 1) {
      const first = random.pick(FIRST_NAMES);
      const last = random.pick(LAST_NAMES);
      const contact: ContactInput = {
        id: `${accountId}-P${c + 1}`,
        account_id: accountId,
        name: `${first} ${last}`,
        email: c === 0 ? `ap@${domain}` : `${first}.${last}${c}@${domain}`.toLowerCase(),
        phone: `(${random.int(200, 989)}) 555-${String(random.int(0, 9999)).padStart(4, '0')}`,
        role: c === 0 ? 'Accounts payable' : random.pick(['Owner', 'Project manager', 'Office manager', 'Purchasing']),
        is_primary: c === 0,
      };
      book.contacts.push(contact);
    }

    const jobs: JobInput[] = [];
    const jobCount = type === 'credit' ? random.int(0, 6) : 0;
    for (let j = 0; j < jobCount; j += 1) {
      jobs.push({
        id: `${accountId}-J${j + 1}`,
        account_id: accountId,
        name: random.chance(0.55) ? `Lot ${random.int(1, 60)} ${random.pick(SUBDIVISIONS)}` : `${random.int(100, 9999)} ${random.pick(STREETS)} ${random.pick(JOB_KINDS)}`,
        status: random.chance(0.15) ? 'closed' : 'active',
      });
    }
    book.jobs.push(...jobs);

    // Cash accounts carry a few small open tickets; credit accounts the bulk of the book.
    const count = type === 'credit' ? Math.max(0, Math.round(invoicesPerAccount * (0.2 + random.next() * 1.6))) : type === 'cash' ? random.int(0, 3) : random.int(0, 2);
    const accountInvoices: GeneratedBook['invoices'] = [];
    for (let i = 0; i < count; i += 1) {
      const [minDays, maxDays] = random.weighted(AGING.map(([min, max, weight]) => [[min, max] as const, weight] as const));
      const daysPastDue = random.int(minDays, maxDays);
      const dueDate = addDays(today, -daysPastDue);
      const invoiceDate = addDays(dueDate, -30);
      const amount = invoiceAmount(random, type);
      const partiallyPaid = random.chance(0.14);
      const balance = partiallyPaid ? Math.max(1, Math.floor((amount * random.int(15, 85)) / 100)) : amount;
      const activeJobs = jobs.filter((job) => job.status === 'active');
      invoiceNumber += 1;
      accountInvoices.push({
        id: `INV-${invoiceNumber}`,
        account_id: accountId,
        job_id: activeJobs.length > 0 && random.chance(0.65) ? random.pick(activeJobs).id : null,
        invoice_date: invoiceDate,
        due_date: dueDate,
        amount_cents: amount,
        balance_cents: balance,
        status: partiallyPaid ? 'partially_paid' : 'open',
        po_number: random.chance(0.4) ? `PO-${random.int(1000, 99999)}` : null,
      });
    }
    book.invoices.push(...accountInvoices);

    const accountAdjustments: AdjustmentInput[] = [];
    for (const invoice of accountInvoices) {
      if (random.chance(0.08)) {
        creditNumber += 1;
        const reason = random.weighted([['credit', 6], ['discount', 2], ['write_off', 1]] as const);
        const amount = Math.max(100, Math.floor((invoice.amount_cents * random.int(3, 30)) / 100));
        accountAdjustments.push({
          id: `CM-${creditNumber}`,
          account_id: accountId,
          job_id: invoice.job_id ?? null,
          kind: 'credit',
          reason,
          voucher_id: `V${random.int(100_000, 999_999)}`,
          applies_to_invoice_id: reason === 'credit' ? invoice.id : null,
          transaction_date: earlier(addDays(invoice.invoice_date as string, random.int(2, 20)), today),
          due_date: null,
          amount_cents: amount,
          balance_cents: amount,
          currency: 'USD',
          status: 'open',
          description: reason === 'credit' ? `Returned material on ${invoice.id}` : reason === 'discount' ? 'Volume discount' : 'Small balance write-off',
        });
      }
      if (random.chance(0.05)) {
        debitNumber += 1;
        const reason = random.weighted([['finance_charge', 5], ['charge', 3], ['correction', 2]] as const);
        const amount = reason === 'finance_charge' ? Math.max(200, Math.floor((invoice.balance_cents * 15) / 1000)) : random.int(25, 600) * 100;
        const transactionDate = addDays(invoice.due_date as string, random.int(1, 25));
        accountAdjustments.push({
          id: `DM-${debitNumber}`,
          account_id: accountId,
          job_id: invoice.job_id ?? null,
          kind: 'debit',
          reason,
          voucher_id: `V${random.int(100_000, 999_999)}`,
          applies_to_invoice_id: invoice.id,
          transaction_date: earlier(transactionDate, today),
          due_date: addDays(earlier(transactionDate, today), 30),
          amount_cents: amount,
          balance_cents: amount,
          currency: 'USD',
          status: 'open',
          description: reason === 'finance_charge' ? `1.5% finance charge on ${invoice.id}` : reason === 'charge' ? 'Delivery and restocking charge' : `Pricing correction on ${invoice.id}`,
        });
      }
    }
    book.adjustments.push(...accountAdjustments);

    if (type === 'credit') book.statements.push(...monthlyStatements(accountId, accountInvoices, accountAdjustments, today));
  }
  return book;
}

/** Statements for the last three closed months: the items dated in the month, 2% off by the 10th. */
function monthlyStatements(accountId: string, invoices: GeneratedBook['invoices'], adjustments: AdjustmentInput[], today: string): StatementInput[] {
  const statements: StatementInput[] = [];
  const firstOfThisMonth = `${today.slice(0, 7)}-01`;
  let monthEnd = addDays(firstOfThisMonth, -1);
  for (let back = 0; back < 3; back += 1) {
    const month = monthEnd.slice(0, 7);
    const inMonth = (date: string | null | undefined) => Boolean(date && date.slice(0, 7) === month);
    const invoiceItems = invoices.filter((invoice) => inMonth(invoice.invoice_date as string));
    const debitItems = adjustments.filter((a) => a.kind === 'debit' && inMonth(a.transaction_date));
    const creditItems = adjustments.filter((a) => a.kind === 'credit' && inMonth(a.transaction_date));
    const charges = [...invoiceItems, ...debitItems].reduce((sum, item) => sum + item.balance_cents, 0);
    // A statement never shows a negative balance: credits beyond the charges stay off it.
    const credits: AdjustmentInput[] = [];
    let creditTotal = 0;
    for (const credit of creditItems) {
      if (creditTotal + credit.balance_cents > charges) continue;
      credits.push(credit);
      creditTotal += credit.balance_cents;
    }
    const balance = charges - creditTotal;
    if (invoiceItems.length + debitItems.length > 0) {
      const nextMonthFirst = addDays(monthEnd, 1);
      const discountDate = `${nextMonthFirst.slice(0, 7)}-10`;
      const invoiceTotal = invoiceItems.reduce((sum, item) => sum + item.balance_cents, 0);
      statements.push({
        id: `ST-${accountId}-${month.replace('-', '')}`,
        account_id: accountId,
        statement_date: monthEnd,
        due_date: addDays(nextMonthFirst, 24),
        balance_cents: balance,
        discount_cents: Math.min(balance, Math.floor((invoiceTotal * 2) / 100)),
        discount_date: discountDate,
        discount_taken_cents: 0,
        status: back === 0 ? 'open' : 'closed',
        items: [
          ...invoiceItems.map((item) => ({ item_type: 'invoice' as const, document_id: item.id, amount_cents: item.balance_cents })),
          ...debitItems.map((item) => ({ item_type: 'debit' as const, document_id: item.id, amount_cents: item.balance_cents })),
          ...credits.map((item) => ({ item_type: 'credit' as const, document_id: item.id, amount_cents: item.balance_cents })),
        ],
      });
    }
    monthEnd = addDays(`${month}-01`, -1);
  }
  return statements;
}

const earlier = (a: string, b: string) => (a < b ? a : b);

function invoiceAmount(random: ReturnType<typeof prng>, type: string): number {
  // Many small counter tickets, fewer package orders, a long tail of framing packages.
  const band = random.weighted([['ticket', 55], ['order', 35], ['package', 10]] as const);
  const [min, max] = type === 'credit' ? { ticket: [2_500, 60_000], order: [60_000, 450_000], package: [450_000, 4_800_000] }[band] : [1_500, 40_000];
  return random.int(min!, max!);
}

function uniqueName(random: ReturnType<typeof prng>, used: Set<string>): string {
  for (let attempt = 0; ; attempt += 1) {
    const base = random.chance(0.6) ? `${random.pick(SURNAMES)} ${random.pick(TRADES)}` : `${random.pick(PLACES)} ${random.pick(TRADES)}`;
    const name = `${base}${random.pick(SUFFIXES)}${attempt > 20 ? ` ${attempt}` : ''}`;
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
  }
}

function systemAccountName(index: number): string {
  return ['Cash Sales', 'Employee Purchases', 'Warranty & Service', 'Inter-store Transfers', 'House Account'][index % 5]! + (index >= 5 ? ` ${Math.floor(index / 5)}` : '');
}
