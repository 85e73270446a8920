import type { Knex } from 'knex';
import type { CardFunding } from '../domain/fees';
import { RELINK_REASONS, type RelinkReason } from '../domain/relink-reason';
import type { Db } from './connection';

/**
 * A customer company's saved ways to pay. Only the processor's ids and what a person needs
 * to recognise the method are kept; card and bank numbers never reach this table. Every read
 * and write is scoped to the company that saved the method.
 */
type Executor = Db | Knex.Transaction;

export interface PaymentMethodRow {
  id: string;
  company_id: string;
  kind: 'ach' | 'card';
  moov_payment_method_id: string;
  moov_source_id: string | null;
  label: string | null;
  last4: string;
  bank_name: string | null;
  card_brand: string | null;
  card_funding: CardFunding | null;
  billing_state: string | null;
  status: 'active' | 'disabled';
  disabled_reason: string | null;
  plaid_item_id: string | null;
  plaid_access_token_sealed: string | null;
  relink_required_at: Date | null;
  relink_reason: RelinkReason | null;
  created_at: Date;
  updated_at: Date;
}


export interface NewPaymentMethod {
  kind: 'ach' | 'card';
  moovPaymentMethodId: string;
  moovSourceId: string | null;
  label: string | null;
  last4: string;
  bankName: string | null;
  cardBrand: string | null;
  cardFunding: CardFunding | null;
  billingState: string | null;
  /** A bank account linked through Plaid: its item, and the item's access token sealed for storage. */
  plaidItemId?: string | null;
  plaidAccessTokenSealed?: string | null;
}

/** Active ones first, newest first within each status. */
export async function companyPaymentMethods(db: Executor, companyId: string): Promise<PaymentMethodRow[]> {
  return db('payment_methods').where({ company_id: companyId }).orderBy([{ column: 'status' }, { column: 'created_at', order: 'desc' }]);
}

export async function companyPaymentMethod(db: Executor, companyId: string, paymentMethodId: string): Promise<PaymentMethodRow | undefined> {
  return db('payment_methods').where({ id: paymentMethodId, company_id: companyId }).first();
}

/**
 * Records a method the processor holds for the company, or reactivates the one it already
 * recorded for the same processor id (a card or bank linked again after being removed).
 */
export async function upsertPaymentMethod(db: Executor, companyId: string, method: NewPaymentMethod): Promise<string> {
  const [row] = await db('payment_methods')
    .insert({
      company_id: companyId,
      kind: method.kind,
      moov_payment_method_id: method.moovPaymentMethodId,
      moov_source_id: method.moovSourceId,
      label: method.label,
      last4: method.last4,
      bank_name: method.bankName,
      card_brand: method.cardBrand,
      card_funding: method.cardFunding,
      billing_state: method.billingState,
      plaid_item_id: method.plaidItemId ?? null,
      plaid_access_token_sealed: method.plaidAccessTokenSealed ?? null,
      status: 'active',
    })
    .onConflict(['company_id', 'moov_payment_method_id'])
    // Linked again: a fresh item, healthy until Plaid says otherwise.
    .merge({
      status: 'active', disabled_reason: null, label: method.label, updated_at: db.fn.now(),
      ...(method.plaidItemId ? { plaid_item_id: method.plaidItemId, plaid_access_token_sealed: method.plaidAccessTokenSealed ?? null, relink_required_at: null, relink_reason: null } : {}),
    })
    .returning('id');
  return row.id;
}

/** A method the customer removed stays on record (payments name it) but can no longer pay; false when the company has no such method. */
export async function disableCompanyPaymentMethod(db: Executor, companyId: string, paymentMethodId: string, reason: string): Promise<boolean> {
  const updated = await db('payment_methods').where({ id: paymentMethodId, company_id: companyId })
    .update({ status: 'disabled', disabled_reason: reason, updated_at: db.fn.now() }).returning('id');
  return updated.length > 0;
}

/** A method the processor says can never pay again (a bank account closed, say): kept on record, refused from now on. */
export async function disablePaymentMethod(db: Executor, paymentMethodId: string, reason: string): Promise<void> {
  await db('payment_methods').where({ id: paymentMethodId }).update({ status: 'disabled', disabled_reason: reason, updated_at: db.fn.now() });
}

export interface RelinkChange {
  id: string;
  company_id: string;
  relink_reason: RelinkReason | null;
}

/** The item's bank accounts need reconnecting, for `reason` unless a stronger one already holds; returns those changed. */
export async function requireRelinkForItem(db: Executor, plaidItemId: string, reason: RelinkReason): Promise<RelinkChange[]> {
  const weaker = RELINK_REASONS.slice(0, RELINK_REASONS.indexOf(reason));
  return db('payment_methods')
    .where({ plaid_item_id: plaidItemId, status: 'active' })
    .andWhere((query) => query.whereNull('relink_reason').orWhereIn('relink_reason', weaker))
    .update({ relink_reason: reason, relink_required_at: db.raw('coalesce(relink_required_at, now())'), updated_at: db.fn.now() })
    .returning(['id', 'company_id', 'relink_reason']);
}

/** The item is healthy again (its login repaired): every reason update mode mends is cleared; withdrawn access is not. */
export async function clearRelinkForItem(db: Executor, plaidItemId: string): Promise<RelinkChange[]> {
  return db('payment_methods')
    .where({ plaid_item_id: plaidItemId })
    .whereIn('relink_reason', RELINK_REASONS.filter((reason) => reason !== 'permission_revoked'))
    .update({ relink_reason: null, relink_required_at: null, updated_at: db.fn.now() })
    .returning(['id', 'company_id', 'relink_reason']);
}

/** The sealed access token of an item we hold a bank account for; null when the item is nobody's here. */
export async function plaidItemAccessToken(db: Executor, plaidItemId: string): Promise<string | null> {
  const row = await db('payment_methods').where({ plaid_item_id: plaidItemId }).whereNotNull('plaid_access_token_sealed').orderBy('updated_at', 'desc').first('plaid_access_token_sealed');
  return row?.plaid_access_token_sealed ?? null;
}
