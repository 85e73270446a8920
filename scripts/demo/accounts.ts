/** The demo's dealers and logins; one password for every demo login keeps the README short. */
export const DEMO_PASSWORD = 'Drypowder-demo-1';

export const NORTHWIND = {
  slug: 'northwind-lumber',
  name: 'Northwind Lumber & Millwork',
  integration_mode: 'spruce',
  time_zone: 'America/Chicago',
  settlement_cutoff: '17:00',
  fee_payer: 'customer',
  ach_fee_cents: 150,
  card_credit_rate_bps: 295,
  card_debit_rate_bps: 150,
  card_flat_fee_cents: 30,
  returned_payment_fee_cents: 2_500,
  surcharge_forbidden_states: ['CT', 'MA', 'ME'],
  allow_partial_payments: true,
  bills_by_statement: true,
  spruce_tenant_id: 'northwind',
  spruce_api_key: 'spruce-demo-key-northwind',
  spruce_webhook_secret: 'spruce-demo-webhook-secret-northwind',
} as const;

export const CEDAR_RIDGE = {
  slug: 'cedar-ridge-supply',
  name: 'Cedar Ridge Building Supply',
  integration_mode: 'file',
  time_zone: 'America/Denver',
  settlement_cutoff: '16:00',
  fee_payer: 'dealer',
  ach_fee_cents: 50,
  card_credit_rate_bps: 290,
  card_debit_rate_bps: 140,
  card_flat_fee_cents: 25,
  surcharge_forbidden_states: [] as string[],
  allow_partial_payments: false,
  bills_by_statement: false,
} as const;

export const OPERATORS = [
  { dealer: NORTHWIND.slug, email: 'ar@northwind-lumber.test', name: 'Maria Alvarez', role: 'admin' },
  { dealer: NORTHWIND.slug, email: 'collections@northwind-lumber.test', name: 'Devon Park', role: 'ar_operator' },
  { dealer: CEDAR_RIDGE.slug, email: 'ar@cedar-ridge-supply.test', name: 'Jess Whitaker', role: 'admin' },
] as const;

export const CUSTOMER = { email: 'ap@hallmark-builders.test', name: 'Robin Hallmark', company: 'Hallmark Builders' } as const;
