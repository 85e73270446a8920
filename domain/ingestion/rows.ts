import { normalizeState } from '../lien-deadlines';
import { US_STATE_CODES } from '../lien-waivers';
import type { Cents } from '../money';
import type { DataType } from './columns';
import type { ResolvedHeader } from './header';
import {
  type CellResult, quoted, readAmount, readBoolean, readChoice, readCurrency, readDate, readEmail, readId, readText,
} from './values';

/**
 * Reads one CSV record into the values a commit stages, checking everything that can be
 * checked from the row alone. References to other rows (accounts, jobs, statements) are
 * checked by the caller, which knows the upload and the database.
 */
export type StagedValue = string | number | boolean | null;

export interface ColumnError {
  column: string;
  message: string;
}

export interface StagedColumn {
  name: string;
  sql: 'text' | 'bigint' | 'date' | 'boolean';
  /** The file column whose presence decides whether a commit writes this value; none = always. */
  from?: string;
}

const col = (name: string, sql: StagedColumn['sql'], from?: string): StagedColumn => ({ name, sql, from });

const JOB_DELIVERY_COLUMNS = [
  col('job_state', 'text', 'job_state'), col('first_delivery_date', 'date', 'first_delivery_date'), col('last_delivery_date', 'date', 'last_delivery_date'),
];

export const STAGED_COLUMNS: Record<DataType, readonly StagedColumn[]> = {
  accounts: [
    col('account_id', 'text'), col('name', 'text'), col('account_type', 'text', 'account_type'), col('status', 'text', 'status'),
    col('credit_limit_cents', 'bigint', 'credit_limit'), col('available_credit_cents', 'bigint', 'available_credit'),
    col('credit_hold', 'boolean', 'credit_hold'), col('credit_hold_reason', 'text', 'credit_hold_reason'), col('address_line1', 'text', 'address_line1'), col('city', 'text', 'city'),
    col('state', 'text', 'state'), col('postal_code', 'text', 'postal_code'), col('phone', 'text', 'phone'),
  ],
  contacts: [
    col('contact_id', 'text'), col('account_id', 'text'), col('name', 'text'), col('email', 'text', 'email'), col('phone', 'text', 'phone'),
    col('role', 'text', 'role'), col('is_primary', 'boolean', 'is_primary'),
  ],
  statements: [
    col('statement_id', 'text'), col('account_id', 'text'), col('statement_date', 'date'), col('due_date', 'date'), col('balance_cents', 'bigint'),
    col('discount_cents', 'bigint', 'discount_amount'), col('discount_date', 'date', 'discount_date'), col('status', 'text', 'status'),
  ],
  invoices: [
    col('account_id', 'text'), col('invoice_id', 'text'), col('invoice_date', 'date'), col('due_date', 'date'), col('amount_cents', 'bigint'),
    col('balance_cents', 'bigint'), col('status', 'text'), col('po_number', 'text', 'po_number'), col('job_id', 'text', 'job_id'), col('job_name', 'text', 'job_name'),
    ...JOB_DELIVERY_COLUMNS, col('terms', 'text', 'terms'), col('terms_discount_cents', 'bigint', 'discount_amount'), col('terms_discount_date', 'date', 'discount_date'),
  ],
  adjustments: [
    col('account_id', 'text'), col('adjustment_id', 'text'), col('kind', 'text'), col('reason', 'text', 'reason'), col('amount_cents', 'bigint'),
    col('balance_cents', 'bigint'), col('status', 'text'), col('transaction_date', 'date', 'transaction_date'), col('due_date', 'date', 'payment_due_date'),
    col('voucher_id', 'text', 'voucher_id'), col('applies_to_invoice_number', 'text', 'adjustment_invoice_id'), col('job_id', 'text', 'job_id'),
    col('job_name', 'text', 'job_name'), ...JOB_DELIVERY_COLUMNS, col('description', 'text', 'description'),
  ],
  statement_items: [col('statement_id', 'text'), col('document_type', 'text'), col('document_id', 'text'), col('amount_cents', 'bigint', 'amount')],
};

export interface RowRead {
  /** The document number that identifies the row within its data type. */
  key: string;
  values: Record<string, StagedValue>;
  errors: ColumnError[];
}

class Cells {
  readonly errors: ColumnError[] = [];
  constructor(private readonly record: readonly string[], private readonly index: Record<string, number>) {}

  has(column: string): boolean {
    return this.index[column] !== undefined;
  }

  raw(column: string): string {
    const position = this.index[column];
    return position === undefined ? '' : (this.record[position] ?? '').trim();
  }

  fail(column: string, message: string): null {
    this.errors.push({ column, message });
    return null;
  }

  private read<T>(column: string, required: boolean, reader: (raw: string) => CellResult<T>, what = 'a value'): T | null {
    const raw = this.raw(column);
    if (raw === '') return required ? this.fail(column, `is empty; every row needs ${what}`) : null;
    const result = reader(raw);
    return result.ok ? result.value : this.fail(column, result.message);
  }

  id(column: string, required = false) { return this.read(column, required, readId, `a ${column}`); }
  text(column: string, required = false) { return this.read(column, required, readText, `a ${column}`); }
  amount(column: string, required = false) { return this.read(column, required, readAmount, `an ${column}`); }
  date(column: string, required = false) { return this.read(column, required, readDate, `a ${column}`); }
  email(column: string) { return this.read(column, false, readEmail); }
  boolean(column: string) { return this.read(column, false, readBoolean); }
  currency(column: string, required = false) { return this.read(column, required, readCurrency, 'a currency (USD)'); }
  choice<T extends string>(column: string, what: string, aliases: Readonly<Record<string, T>>, required = false) {
    return this.read(column, required, (raw) => readChoice(raw, what, aliases), `a ${column}`);
  }
}

const CREDIT_HOLD_REASON = {
  over_limit: 'over_limit', over: 'over_limit', 'over limit': 'over_limit', past_due: 'past_due', 'past due': 'past_due', other: 'other',
} as const;
const ACCOUNT_STATUS = { active: 'active', a: 'active', inactive: 'inactive', i: 'inactive' } as const;
const STATEMENT_STATUS = { open: 'open', paid: 'paid', closed: 'closed' } as const;
const INVOICE_STATUS = {
  open: 'open', partially_paid: 'partially_paid', partial: 'partially_paid', partially: 'partially_paid', paid: 'paid', closed: 'paid',
  void: 'void', voided: 'void',
} as const;
const ADJUSTMENT_STATUS = {
  open: 'open', partially_applied: 'partially_applied', partial: 'partially_applied', applied: 'applied', closed: 'applied', void: 'void', voided: 'void',
} as const;
const ADJUSTMENT_TYPE = {
  credit: 'credit', cr: 'credit', c: 'credit', credit_memo: 'credit', credit_adjustment: 'credit',
  debit: 'debit', dr: 'debit', d: 'debit', debit_memo: 'debit', debit_adjustment: 'debit',
} as const;
const ADJUSTMENT_REASON = {
  credit: 'credit', return: 'credit', discount: 'discount', write_off: 'write_off', writeoff: 'write_off', charge: 'charge',
  correction: 'correction', finance_charge: 'finance_charge', service_charge: 'finance_charge', late_fee: 'finance_charge', other: 'other',
} as const;
const DOCUMENT_TYPE = { invoice: 'invoice', inv: 'invoice', adjustment: 'adjustment', adj: 'adjustment', credit: 'adjustment', debit: 'adjustment' } as const;

const money = (cents: Cents) => `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;

function notBefore(cells: Cells, column: string, date: string | null, earlier: string, earlierDate: string | null): void {
  if (date && earlierDate && date < earlierDate) cells.fail(column, `${date} is before ${earlier} ${earlierDate}`);
}

/** Open / partially paid / paid from the amounts; an explicit status may only mark a void or agree. */
function settledStatus<T extends string>(
  cells: Cells, amount: Cents | null, balance: Cents | null, given: string | null,
  names: { open: T; partial: T; done: T; void: T },
): T | null {
  if (given === names.void) return names.void;
  if (amount === null || balance === null) return null;
  const derived = balance === 0 ? names.done : balance === amount ? names.open : names.partial;
  if (given === names.done && balance !== 0) return cells.fail('status', `says ${given} but outstanding_amount is ${money(balance)}`);
  if ((given === names.open || given === names.partial) && balance === 0 && amount !== 0) {
    return cells.fail('status', `says ${given} but outstanding_amount is 0.00`);
  }
  return derived;
}

function jobColumns(cells: Cells): Record<'job_id' | 'job_name' | 'job_state' | 'first_delivery_date' | 'last_delivery_date', string | null> {
  const jobId = cells.id('job_id');
  const jobName = cells.text('job_name');
  const noJob = !jobId && cells.raw('job_id') === '';
  if (jobName && noJob) cells.fail('job_name', 'needs a job_id: a job is identified by its id, not its name');
  for (const column of ['job_state', 'first_delivery_date', 'last_delivery_date']) {
    if (noJob && cells.raw(column) !== '') cells.fail(column, `needs a job_id: it describes the job, and this row names none`);
  }
  const rawState = cells.text('job_state');
  const jobState = normalizeState(rawState);
  if (rawState && !(jobState && US_STATE_CODES.includes(jobState))) cells.fail('job_state', `${quoted(rawState)} is not a two-letter US state code (e.g. CA, TX)`);
  const first = cells.date('first_delivery_date');
  const last = cells.date('last_delivery_date');
  notBefore(cells, 'last_delivery_date', last, 'first_delivery_date', first);
  return { job_id: jobId || null, job_name: jobName || null, job_state: jobState, first_delivery_date: first, last_delivery_date: last };
}

function readAccount(cells: Cells): RowRead['values'] {
  const limit = cells.amount('credit_limit');
  if (limit !== null && limit < 0) cells.fail('credit_limit', `${money(limit)} is negative; a credit limit is 0 or more`);
  const type = cells.text('account_type');
  const onHold = cells.boolean('credit_hold') ?? false;
  const holdReason = cells.choice('credit_hold_reason', 'credit hold reason', CREDIT_HOLD_REASON);
  if (holdReason && !onHold && cells.raw('credit_hold') !== '') cells.fail('credit_hold_reason', `says ${holdReason} but credit_hold is no`);
  return {
    account_id: cells.id('account_id', true),
    name: cells.text('name', true),
    account_type: type ? type.toLowerCase() : 'credit',
    status: cells.choice('status', 'status', ACCOUNT_STATUS) ?? 'active',
    credit_limit_cents: limit,
    available_credit_cents: cells.amount('available_credit'),
    credit_hold: onHold,
    credit_hold_reason: onHold ? holdReason ?? 'other' : null,
    address_line1: cells.text('address_line1') || null,
    city: cells.text('city') || null,
    state: cells.text('state') || null,
    postal_code: cells.text('postal_code') || null,
    phone: cells.text('phone') || null,
  };
}

function readContact(cells: Cells): RowRead['values'] {
  return {
    contact_id: cells.id('contact_id', true),
    account_id: cells.id('account_id', true),
    name: cells.text('name', true),
    email: cells.email('email'),
    phone: cells.text('phone') || null,
    role: cells.text('role') || null,
    is_primary: cells.boolean('is_primary') ?? false,
  };
}

function readStatement(cells: Cells): RowRead['values'] {
  const statementDate = cells.date('statement_date', true);
  const dueDate = cells.date('due_date', true);
  notBefore(cells, 'due_date', dueDate, 'statement_date', statementDate);
  const balance = cells.amount('balance', true);
  if (balance !== null && balance < 0) cells.fail('balance', `${money(balance)} is negative; statements with a credit balance cannot be paid online`);
  const discount = cells.amount('discount_amount') ?? 0;
  if (discount < 0) cells.fail('discount_amount', `${money(discount)} is negative`);
  else if (balance !== null && balance >= 0 && discount > balance) cells.fail('discount_amount', `${money(discount)} is more than the balance ${money(balance)}`);
  const discountDate = cells.date('discount_date');
  if (discountDate && dueDate && discountDate > dueDate) cells.fail('discount_date', `${discountDate} is after due_date ${dueDate}`);
  if (discount > 0 && !discountDate && cells.raw('discount_date') === '') cells.fail('discount_date', 'is empty; a discount needs the last day it applies');
  return {
    statement_id: cells.id('statement_id', true),
    account_id: cells.id('account_id', true),
    statement_date: statementDate,
    due_date: dueDate,
    balance_cents: balance,
    discount_cents: discount,
    discount_date: discountDate,
    status: cells.choice('status', 'statement status', STATEMENT_STATUS) ?? 'open',
  };
}

function readInvoice(cells: Cells): RowRead['values'] {
  const invoiceDate = cells.date('invoice_date', true);
  const dueDate = cells.date('due_date', true);
  notBefore(cells, 'due_date', dueDate, 'invoice_date', invoiceDate);
  let amount = cells.amount('amount', true);
  if (amount !== null && amount < 0) amount = cells.fail('amount', `${money(amount)} is negative; credits belong in the adjustments file`);
  let balance = cells.amount('outstanding_amount', true);
  if (balance !== null && balance < 0) balance = cells.fail('outstanding_amount', `${money(balance)} is negative`);
  else if (balance !== null && amount !== null && balance > amount) balance = cells.fail('outstanding_amount', `${money(balance)} is more than the invoice amount ${money(amount)}`);
  if (cells.has('currency')) cells.currency('currency');
  const given = cells.choice('status', 'invoice status', INVOICE_STATUS);
  const status = settledStatus(cells, amount, balance, given, { open: 'open', partial: 'partially_paid', done: 'paid', void: 'void' });
  return {
    account_id: cells.id('account_id', true),
    invoice_id: cells.id('invoice_id', true),
    invoice_date: invoiceDate,
    due_date: dueDate,
    amount_cents: amount,
    balance_cents: balance,
    status,
    po_number: cells.text('po_number') || null,
    ...jobColumns(cells),
    terms: cells.text('terms') || null,
    ...termsDiscount(cells, amount),
  };
}

/** The ERP's cash discount, in cents as written: an amount and its last day together, below the invoice amount. */
function termsDiscount(cells: Cells, amount: Cents | null): { terms_discount_cents: Cents | null; terms_discount_date: string | null } {
  const discount = cells.amount('discount_amount');
  const date = cells.date('discount_date');
  const dateWritten = cells.raw('discount_date') !== '';
  if (discount === null) {
    if (dateWritten && cells.raw('discount_amount') === '') cells.fail('discount_amount', `is empty but discount_date is ${cells.raw('discount_date')}; a discount date needs the discount it applies to`);
    return { terms_discount_cents: null, terms_discount_date: null };
  }
  if (discount <= 0) cells.fail('discount_amount', `${money(discount)} is not above 0; leave it empty when the invoice has no discount`);
  else if (amount !== null && discount >= amount) cells.fail('discount_amount', `${money(discount)} is not less than the invoice amount ${money(amount)}`);
  if (!dateWritten) cells.fail('discount_date', 'is empty; a discount needs the last day it applies');
  return { terms_discount_cents: discount, terms_discount_date: date };
}

function readAdjustment(cells: Cells): RowRead['values'] {
  const type = cells.choice('type', 'adjustment type', ADJUSTMENT_TYPE);
  const typeUnreadable = cells.raw('type') !== '' && type === null;
  const amount = cells.amount('amount', true);
  const balance = cells.amount('outstanding_amount', true);
  let kind: 'credit' | 'debit' | null = type;
  if (!kind && !typeUnreadable && amount !== null) {
    if (amount < 0) kind = 'credit';
    else if (amount > 0) kind = 'debit';
    else cells.fail('amount', 'is 0 and no type is given, so it cannot tell a credit from a debit; add a type column (credit or debit)');
  }
  if (kind === 'debit' && amount !== null && amount < 0) cells.fail('amount', `${money(amount)} is negative on a debit adjustment; credits are type credit`);
  if (amount !== null && balance !== null) {
    if ((amount < 0 && balance > 0) || (amount > 0 && balance < 0)) cells.fail('outstanding_amount', `${money(balance)} has the opposite sign of amount ${money(amount)}`);
    else if (Math.abs(balance) > Math.abs(amount)) cells.fail('outstanding_amount', `${money(balance)} is more than the adjustment amount ${money(amount)}`);
  }
  cells.currency('currency', true);
  const magnitude = amount === null ? null : Math.abs(amount);
  const open = balance === null ? null : Math.abs(balance);
  const given = cells.choice('status', 'adjustment status', ADJUSTMENT_STATUS);
  const status = settledStatus(cells, magnitude, open, given, { open: 'open', partial: 'partially_applied', done: 'applied', void: 'void' });
  const transactionDate = cells.date('transaction_date');
  const dueDate = cells.date('payment_due_date');
  notBefore(cells, 'payment_due_date', dueDate, 'transaction_date', transactionDate);
  return {
    account_id: cells.id('account_id', true),
    adjustment_id: cells.id('adjustment_id', true),
    kind,
    reason: cells.choice('reason', 'reason', ADJUSTMENT_REASON) ?? 'other',
    amount_cents: magnitude,
    balance_cents: open,
    status,
    transaction_date: transactionDate,
    due_date: dueDate,
    voucher_id: cells.id('voucher_id') || null,
    applies_to_invoice_number: cells.id('adjustment_invoice_id') || null,
    ...jobColumns(cells),
    description: cells.text('description') || null,
  };
}

function readStatementItem(cells: Cells): RowRead['values'] {
  const documentType = cells.choice('document_type', 'document type', DOCUMENT_TYPE, true);
  const amount = cells.amount('amount');
  if (documentType === 'invoice' && amount !== null && amount < 0) cells.fail('amount', `${money(amount)} is negative on an invoice item`);
  return {
    statement_id: cells.id('statement_id', true),
    document_type: documentType,
    document_id: cells.id('document_id', true),
    amount_cents: amount === null ? null : Math.abs(amount),
  };
}

const READERS: Record<DataType, (cells: Cells) => RowRead['values']> = {
  accounts: readAccount,
  contacts: readContact,
  statements: readStatement,
  invoices: readInvoice,
  adjustments: readAdjustment,
  statement_items: readStatementItem,
};

export function rowKey(dataType: DataType, values: RowRead['values']): string {
  switch (dataType) {
    case 'accounts': return String(values.account_id ?? '');
    case 'contacts': return String(values.contact_id ?? '');
    case 'statements': return String(values.statement_id ?? '');
    case 'invoices': return String(values.invoice_id ?? '');
    case 'adjustments': return String(values.adjustment_id ?? '');
    case 'statement_items': return `${values.statement_id ?? ''}\u0000${values.document_type ?? ''}\u0000${values.document_id ?? ''}`;
  }
}

export function readRow(header: ResolvedHeader, record: readonly string[]): RowRead {
  const cells = new Cells(record, header.index);
  const values = READERS[header.dataType](cells);
  if (record.length > header.columns.length) {
    const extra = record.slice(header.columns.length).filter((cell) => cell.trim() !== '');
    if (extra.length > 0) {
      cells.fail('(row)', `has ${record.length} values but the header names ${header.columns.length} columns (extra: ${extra.slice(0, 3).map(quoted).join(', ')}); a comma inside a value needs quotes`);
    }
  }
  return { key: rowKey(header.dataType, values), values, errors: cells.errors };
}

/** The row as the operator wrote it, by header, for error reports. */
export function rowValues(header: ResolvedHeader, record: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  header.columns.forEach((column, position) => {
    values[column.header || `column_${position + 1}`] = record[position] ?? '';
  });
  record.slice(header.columns.length).forEach((cell, offset) => {
    values[`column_${header.columns.length + offset + 1}`] = cell;
  });
  return values;
}

export function isBlankRecord(record: readonly string[]): boolean {
  return record.every((cell) => cell.trim() === '');
}
