/**
 * The CSV file formats operators upload, one per data type. This module is the single
 * description of every column: header resolution, row reading and docs/csv-formats.md
 * all follow it. Data types are listed in the order a commit applies them, so a file
 * can refer to rows of any file before it in the same upload.
 */
export const DATA_TYPES = ['accounts', 'contacts', 'statements', 'invoices', 'adjustments', 'statement_items'] as const;
export type DataType = (typeof DATA_TYPES)[number];

export function isDataType(value: string): value is DataType {
  return (DATA_TYPES as readonly string[]).includes(value);
}

export type ColumnKind = 'id' | 'text' | 'amount' | 'date' | 'choice' | 'boolean' | 'email' | 'currency';

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  required: boolean;
  /** Other header names (after normalisation) accepted for this column. */
  aliases?: readonly string[];
  description: string;
  example: string;
}

const accountId = (description: string): ColumnSpec => ({
  name: 'account_id', kind: 'id', required: true, aliases: ['account_number', 'customer_id', 'customer_number'], description, example: 'C-10042',
});
const jobColumns: ColumnSpec[] = [
  { name: 'job_id', kind: 'id', required: false, aliases: ['job_number'], description: 'ERP job (project) the document belongs to. A job belongs to one account; a new job is created on first sight.', example: 'J-77' },
  { name: 'job_name', kind: 'text', required: false, description: "Job name; sets or renames the job. Needs job_id. A new job without a name is named after its job_id.", example: 'Maple St. remodel' },
  { name: 'job_state', kind: 'text', required: false, aliases: ['job_site_state', 'project_state'], description: "Two-letter US state of the job site, when it is not the account's state; its lien rules apply to the job. Needs job_id. Empty: the account's state.", example: 'CA' },
  { name: 'first_delivery_date', kind: 'date', required: false, aliases: ['first_furnished', 'first_furnishing_date'], description: 'First day materials were delivered to the job; starts its preliminary-notice deadline. Needs job_id.', example: '2026-09-14' },
  { name: 'last_delivery_date', kind: 'date', required: false, aliases: ['last_furnished', 'last_furnishing_date'], description: 'Latest day materials were delivered to the job, not before first_delivery_date; starts its lien-filing deadline. Needs job_id.', example: '2026-11-02' },
];

export const FORMATS: Record<DataType, { title: string; key: string; columns: readonly ColumnSpec[] }> = {
  accounts: {
    title: 'Customer accounts',
    key: 'account_id',
    columns: [
      accountId('ERP account number; identifies the account. Re-uploading updates it.'),
      { name: 'name', kind: 'text', required: true, aliases: ['account_name', 'customer_name'], description: 'Account (company) name.', example: 'Acme Framing LLC' },
      { name: 'account_type', kind: 'text', required: false, aliases: ['type'], description: 'cash, credit, system or a type of your own (stored in lower case). Empty: credit.', example: 'credit' },
      { name: 'status', kind: 'choice', required: false, description: 'active or inactive. Empty: active.', example: 'active' },
      { name: 'credit_limit', kind: 'amount', required: false, description: 'Credit limit in dollars, not negative. Empty: no limit.', example: '25,000.00' },
      { name: 'available_credit', kind: 'amount', required: false, aliases: ['credit_available', 'open_to_buy'], description: 'Credit limit less the balance, in dollars, as the ERP reports it; negative when over the limit. Empty: unknown.', example: '-1,250.00' },
      { name: 'credit_hold', kind: 'boolean', required: false, aliases: ['on_hold', 'on_credit_hold'], description: 'Whether the account is on credit hold: true/false, yes/no, y/n, 1/0. Empty: not on hold.', example: 'yes' },
      { name: 'credit_hold_reason', kind: 'choice', required: false, aliases: ['hold_reason'], description: 'Why it is held: over_limit, past_due or other (a hold placed by hand, never lifted by a payment). Empty with credit_hold yes: other.', example: 'over_limit' },
      { name: 'address_line1', kind: 'text', required: false, aliases: ['address', 'street'], description: 'Street address.', example: '12 Mill Rd' },
      { name: 'city', kind: 'text', required: false, description: 'City.', example: 'Springfield' },
      { name: 'state', kind: 'text', required: false, description: 'State or province.', example: 'IL' },
      { name: 'postal_code', kind: 'text', required: false, aliases: ['zip', 'zip_code'], description: 'ZIP or postal code, kept as text (leading zeros survive).', example: '02108' },
      { name: 'phone', kind: 'text', required: false, description: 'Main phone number, as written.', example: '(217) 555-0100' },
    ],
  },
  contacts: {
    title: 'Contacts',
    key: 'contact_id',
    columns: [
      { name: 'contact_id', kind: 'id', required: true, aliases: ['contact_number'], description: 'ERP contact id; identifies the contact.', example: 'CT-5' },
      accountId('Account the contact belongs to: in Drypowder already, or in the accounts file of the same upload.'),
      { name: 'name', kind: 'text', required: true, aliases: ['contact_name'], description: 'Person name.', example: 'Dana Ruiz' },
      { name: 'email', kind: 'email', required: false, description: 'Email address.', example: 'dana@acmeframing.com' },
      { name: 'phone', kind: 'text', required: false, description: 'Phone number, as written.', example: '217-555-0111' },
      { name: 'role', kind: 'text', required: false, aliases: ['title'], description: 'Role or title.', example: 'AP clerk' },
      { name: 'is_primary', kind: 'boolean', required: false, aliases: ['primary'], description: 'true/false, yes/no, y/n, 1/0. Empty: false.', example: 'yes' },
    ],
  },
  statements: {
    title: 'Statements',
    key: 'statement_id',
    columns: [
      { name: 'statement_id', kind: 'id', required: true, aliases: ['statement_number'], description: 'Statement number; identifies the statement.', example: 'ST-2026-11-C-10042' },
      accountId('Account the statement is for.'),
      { name: 'statement_date', kind: 'date', required: true, description: 'Statement date.', example: '2026-11-01' },
      { name: 'due_date', kind: 'date', required: true, aliases: ['payment_due_date'], description: 'Date the statement is due; not before statement_date.', example: '2026-11-25' },
      { name: 'balance', kind: 'amount', required: true, aliases: ['statement_balance', 'amount_due'], description: 'Statement balance, not negative.', example: '4,210.00' },
      { name: 'discount_amount', kind: 'amount', required: false, aliases: ['discount'], description: 'Discount for paying the full statement by discount_date; 0 to balance. Empty: 0.', example: '84.20' },
      { name: 'discount_date', kind: 'date', required: false, description: 'Last day the discount applies; not after due_date. Needed when discount_amount is above 0.', example: '2026-11-10' },
      { name: 'status', kind: 'choice', required: false, description: 'open, paid or closed. Empty: open.', example: 'open' },
    ],
  },
  invoices: {
    title: 'Invoices',
    key: 'invoice_id',
    columns: [
      accountId('Account billed: in Drypowder already, or in the accounts file of the same upload.'),
      { name: 'invoice_id', kind: 'id', required: true, aliases: ['invoice_number', 'invoice_no'], description: 'Invoice number; identifies the invoice.', example: 'INV-100231' },
      { name: 'invoice_date', kind: 'date', required: true, description: 'Invoice date.', example: '2026-10-15' },
      { name: 'due_date', kind: 'date', required: true, aliases: ['payment_due_date'], description: 'Due date; not before invoice_date.', example: '2026-11-14' },
      { name: 'amount', kind: 'amount', required: true, aliases: ['invoice_amount', 'original_amount'], description: 'Invoice total, not negative (credits belong in the adjustments file).', example: '1,250.00' },
      { name: 'outstanding_amount', kind: 'amount', required: true, aliases: ['balance', 'balance_due', 'open_amount'], description: 'What is still owed: 0 to amount. 0 means paid.', example: '1,250.00' },
      { name: 'currency', kind: 'currency', required: false, description: 'USD (the only currency supported). Empty: USD.', example: 'USD' },
      { name: 'status', kind: 'choice', required: false, description: 'Optional: void marks a voided invoice; open, partially_paid or paid are checked against outstanding_amount. Empty: worked out from the amounts.', example: 'open' },
      { name: 'po_number', kind: 'text', required: false, aliases: ['po', 'purchase_order'], description: "Customer's purchase order number.", example: 'PO-8812' },
      { name: 'terms', kind: 'text', required: false, aliases: ['terms_code', 'payment_terms', 'terms_name'], description: "The ERP's terms name, kept as written; it describes the discount, discount_amount gives it.", example: '2% 10th Prox' },
      { name: 'discount_amount', kind: 'amount', required: false, aliases: ['cash_discount', 'terms_discount', 'discount'], description: 'Cash discount for paying the invoice by discount_date, in dollars as the ERP computed it (never worked out from terms): above 0 and below amount. Needs discount_date. Empty: no discount.', example: '25.00' },
      { name: 'discount_date', kind: 'date', required: false, aliases: ['discount_by', 'discount_due_date', 'discount_until'], description: 'Last day the discount applies. Needs discount_amount.', example: '2026-11-10' },
      ...jobColumns,
    ],
  },
  adjustments: {
    title: 'Adjustments (credit and debit)',
    key: 'adjustment_id',
    columns: [
      accountId('Account adjusted: in Drypowder already, or in the accounts file of the same upload.'),
      { name: 'adjustment_id', kind: 'id', required: true, aliases: ['adjustment_number'], description: 'Adjustment (memo) number; identifies the adjustment.', example: 'CM-3301' },
      { name: 'type', kind: 'choice', required: false, aliases: ['adjustment_type', 'kind'], description: 'credit or debit (also cr/dr, credit memo/debit memo). Empty: the sign of amount decides (negative = credit).', example: 'credit' },
      { name: 'amount', kind: 'amount', required: true, aliases: ['adjustment_amount'], description: 'Adjustment amount. Credits may be written negative or positive; debits must be positive.', example: '(150.00)' },
      { name: 'outstanding_amount', kind: 'amount', required: true, aliases: ['balance', 'open_amount'], description: 'What is still open, same sign convention as amount, no larger than amount.', example: '-150.00' },
      { name: 'currency', kind: 'currency', required: true, description: 'USD (the only currency supported).', example: 'USD' },
      { name: 'reason', kind: 'choice', required: false, description: 'credit, discount, write_off, charge, correction, finance_charge or other. Empty: other.', example: 'discount' },
      { name: 'transaction_date', kind: 'date', required: false, aliases: ['adjustment_date'], description: 'Date of the adjustment.', example: '2026-10-20' },
      { name: 'payment_due_date', kind: 'date', required: false, aliases: ['due_date'], description: 'Due date (debits).', example: '2026-11-19' },
      { name: 'voucher_id', kind: 'id', required: false, aliases: ['voucher_number'], description: 'ERP voucher reference.', example: 'V-1188' },
      { name: 'adjustment_invoice_id', kind: 'id', required: false, aliases: ['invoice_id', 'applies_to_invoice'], description: 'Invoice number the adjustment relates to (kept as a reference, not checked).', example: 'INV-100231' },
      ...jobColumns,
      { name: 'description', kind: 'text', required: false, aliases: ['memo', 'note'], description: 'Free text shown to the customer.', example: 'Returned 12 studs' },
      { name: 'status', kind: 'choice', required: false, description: 'Optional: void marks a voided adjustment; open, partially_applied or applied are checked against outstanding_amount.', example: 'open' },
    ],
  },
  statement_items: {
    title: 'Statement items',
    key: 'statement_id + document_type + document_id',
    columns: [
      { name: 'statement_id', kind: 'id', required: true, aliases: ['statement_number'], description: 'Statement the item is rolled into: in Drypowder or in the statements file of the same upload.', example: 'ST-2026-11-C-10042' },
      { name: 'document_type', kind: 'choice', required: true, aliases: ['item_type'], description: 'invoice or adjustment.', example: 'invoice' },
      { name: 'document_id', kind: 'id', required: true, aliases: ['document_number'], description: 'The invoice_id or adjustment_id; it must belong to the same account as the statement.', example: 'INV-100231' },
      { name: 'amount', kind: 'amount', required: false, aliases: ['item_amount'], description: "Amount the item contributes to the statement (credits may be negative). Empty: the document's outstanding amount at commit.", example: '1,250.00' },
    ],
  },
};

export function columnSpec(dataType: DataType, column: string): ColumnSpec | undefined {
  return FORMATS[dataType].columns.find((spec) => spec.name === column);
}
