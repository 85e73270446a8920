import type { Knex } from 'knex';
import type { CardFunding } from '../domain/fees';
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
      status: 'active',
    })
    .onConflict(['company_id', 'moov_payment_method_id'])
    .merge({ status: 'active', disabled_reason: null, label: method.label, updated_at: db.fn.now() })
    .returning('id');
  return row.id;
}

/** A method the customer removed stays on record (payments name it) but can no longer pay; false when the company has no such method. */
export async function disableCompanyPaymentMethod(db: Executor, companyId: string, paymentMethodId: string, reason: string): Promise<boolean> {
  const updated = await db('payment_methods').where({ id: paymentMethodId, company_id: companyId })
    .update({ status: 'disabled', disabled_reason: reason, updated_at: db.fn.now() }).returning('id');
  return updated.length > 0;
}
