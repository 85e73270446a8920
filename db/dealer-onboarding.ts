import type { Knex } from 'knex';
import { recordAudit } from './audit';
import { issueOperatorInvite, type OperatorInviteMail } from './auth-tokens';
import type { Db } from './connection';

/**
 * Dealer onboarding's store (services/dealer-onboarding.ts): a dealer found by its slug with
 * its admins, what another dealer or operator already holds, and the creation itself — the
 * dealer row, its first admin, the invitation email in the outbox and the audit entries — in
 * one transaction.
 */
type Executor = Db | Knex.Transaction;

/** Who acts: a platform administrator, through the command (`cli:<user>`) or the API (`api`). */
export interface PlatformActor {
  id: string;
}

export interface OnboardedDealerRow {
  id: string;
  slug: string;
  name: string;
  time_zone: string;
  settlement_cutoff: string;
  integration_mode: 'spruce' | 'file';
  spruce_base_url: string | null;
  spruce_tenant_id: string | null;
  spruce_api_key: string | null;
  spruce_webhook_secret: string | null;
  moov_account_id: string | null;
  fee_payer: 'dealer' | 'customer';
  ach_fee_cents: number;
  card_credit_rate_bps: number;
  card_debit_rate_bps: number;
  card_flat_fee_cents: number;
  returned_payment_fee_cents: number;
  surcharge_forbidden_states: string[];
  allow_partial_payments: boolean;
  bills_by_statement: boolean;
  created_at: Date;
  admins: Array<{ id: string; email: string; name: string; status: 'invited' | 'active' | 'disabled' }>;
}

const DEALER_COLUMNS = [
  'id', 'slug', 'name', 'time_zone', 'settlement_cutoff', 'integration_mode', 'spruce_base_url', 'spruce_tenant_id', 'spruce_api_key',
  'spruce_webhook_secret', 'moov_account_id', 'fee_payer', 'ach_fee_cents', 'card_credit_rate_bps', 'card_debit_rate_bps', 'card_flat_fee_cents',
  'returned_payment_fee_cents', 'surcharge_forbidden_states', 'allow_partial_payments', 'bills_by_statement', 'created_at',
];

/** The dealer with this slug and its admins (oldest first), or undefined. Money columns as numbers. */
export async function dealerBySlug(db: Executor, slug: string): Promise<OnboardedDealerRow | undefined> {
  const dealer = await db('dealers').where({ slug }).first(DEALER_COLUMNS);
  if (!dealer) return undefined;
  const admins = await db('operator_users').where({ dealer_id: dealer.id, role: 'admin' }).orderBy([{ column: 'created_at' }, { column: 'id' }]).select('id', 'email', 'name', 'status');
  return {
    ...dealer,
    ach_fee_cents: Number(dealer.ach_fee_cents),
    card_flat_fee_cents: Number(dealer.card_flat_fee_cents),
    returned_payment_fee_cents: Number(dealer.returned_payment_fee_cents),
    admins,
  };
}

/** What other dealers and operators already hold of what a new dealer asks for. */
export interface OnboardingClaims {
  /** The dealer (slug) whose operator has this email; emails are unique across dealers. */
  adminEmailHeldBy: string | null;
  /** The dealer (slug) already connected to this Spruce tenant at this address. */
  spruceTenantHeldBy: string | null;
  /** The dealer (slug) that already receives payments into this Moov account. */
  moovAccountHeldBy: string | null;
}

export async function onboardingClaims(db: Executor, wanted: { adminEmail: string; spruce?: { baseUrl: string; tenantId: string }; moovAccountId?: string }): Promise<OnboardingClaims> {
  const operator = await db('operator_users as u').join('dealers as d', 'd.id', 'u.dealer_id').where('u.email', wanted.adminEmail).first('d.slug');
  const spruce = wanted.spruce
    ? await db('dealers').where({ spruce_tenant_id: wanted.spruce.tenantId, spruce_base_url: wanted.spruce.baseUrl }).first('slug')
    : undefined;
  const moov = wanted.moovAccountId ? await db('dealers').where({ moov_account_id: wanted.moovAccountId }).first('slug') : undefined;
  return { adminEmailHeldBy: operator?.slug ?? null, spruceTenantHeldBy: spruce?.slug ?? null, moovAccountHeldBy: moov?.slug ?? null };
}

export interface NewDealer {
  slug: string;
  name: string;
  time_zone: string;
  settlement_cutoff: string;
  integration_mode: 'spruce' | 'file';
  /** Sealed already (domain/credential-seal.ts); the store never sees a credential in clear. */
  spruce: { base_url: string; tenant_id: string; sealed_api_key: string; sealed_webhook_secret: string | null } | null;
  fees: {
    fee_payer: 'dealer' | 'customer';
    ach_fee_cents: number;
    card_credit_rate_bps: number;
    card_debit_rate_bps: number;
    card_flat_fee_cents: number;
    returned_payment_fee_cents: number;
    surcharge_forbidden_states: string[];
    allow_partial_payments: boolean;
    bills_by_statement: boolean;
  };
}

export interface FirstAdminInvite {
  email: string;
  name: string;
  token: { token: string; hash: string };
  ttlMs: number;
  compose: (dealerName: string | undefined) => OperatorInviteMail;
}

/** The unique-violation PostgreSQL raises when another request created the same slug first. */
export const isSlugTaken = (error: unknown): boolean =>
  (error as { code?: string; constraint?: string } | undefined)?.code === '23505' && /slug/.test(String((error as { constraint?: string }).constraint ?? ''));

/**
 * Creates the dealer, its first admin (invited, no password yet), the invitation link and its
 * email in the outbox, and the audit entries, all or nothing. `moovAccount` runs last inside
 * the transaction with the new dealer's id and answers the Moov account to record, so a Moov
 * failure leaves nothing behind. A slug taken meanwhile raises PostgreSQL's unique violation
 * (`isSlugTaken`).
 */
export async function createOnboardedDealer(
  db: Db,
  actor: PlatformActor,
  dealer: NewDealer,
  admin: FirstAdminInvite,
  moovAccount: (dealerId: string) => Promise<{ accountId: string; action: 'created' | 'attached' }>,
): Promise<{ dealerId: string; adminId: string }> {
  return db.transaction(async (trx) => {
    const [row] = await trx('dealers')
      .insert({
        slug: dealer.slug,
        name: dealer.name,
        time_zone: dealer.time_zone,
        settlement_cutoff: dealer.settlement_cutoff,
        integration_mode: dealer.integration_mode,
        spruce_base_url: dealer.spruce?.base_url ?? null,
        spruce_tenant_id: dealer.spruce?.tenant_id ?? null,
        spruce_api_key: dealer.spruce?.sealed_api_key ?? null,
        spruce_webhook_secret: dealer.spruce?.sealed_webhook_secret ?? null,
        ...dealer.fees,
      })
      .returning('id');
    const dealerId: string = row.id;
    const [user] = await trx('operator_users').insert({ dealer_id: dealerId, email: admin.email, name: admin.name, role: 'admin', status: 'invited' }).returning('id');
    await issueOperatorInvite(trx, dealerId, { id: user.id, email: admin.email }, admin.token, admin.ttlMs, admin.compose);
    const moov = await moovAccount(dealerId);
    await trx('dealers').where({ id: dealerId }).update({ moov_account_id: moov.accountId });
    await recordAudit(trx, {
      dealerId, actorKind: 'platform', actorId: actor.id, action: 'dealer.onboarded', entityType: 'dealer', entityId: dealerId,
      data: {
        slug: dealer.slug, name: dealer.name, time_zone: dealer.time_zone, settlement_cutoff: dealer.settlement_cutoff,
        integration_mode: dealer.integration_mode,
        spruce: dealer.spruce ? { base_url: dealer.spruce.base_url, tenant_id: dealer.spruce.tenant_id, webhook_secret_set: dealer.spruce.sealed_webhook_secret !== null } : null,
        moov_account_id: moov.accountId, moov_action: moov.action, fees: dealer.fees,
      },
    });
    await recordAudit(trx, {
      dealerId, actorKind: 'platform', actorId: actor.id, action: 'operator.invited', entityType: 'operator_user', entityId: user.id,
      data: { email: admin.email, role: 'admin', first_admin: true },
    });
    return { dealerId, adminId: user.id as string };
  });
}
