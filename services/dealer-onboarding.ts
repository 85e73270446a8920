import type { Client } from '@temporalio/client';
import { newToken } from '../domain/secret-tokens';
import type { Db } from '../db/connection';
import { createOnboardedDealer, dealerBySlug, isSlugTaken, onboardingClaims, type NewDealer, type OnboardedDealerRow, type PlatformActor } from '../db/dealer-onboarding';
import { openCredential, parseDataKey, sealCredential } from '../domain/credential-seal';
import { Refusal, refuseNotFound } from '../domain/refusal';
import type { OnboardDealerInput, OnboardedDealer, OnboardingAnswer, OnboardingDifference } from '../contracts/platform/dealers';
import { MoovIntegrationError, type MoovClient } from '../integrations/moov';
import { SpruceClient, SpruceError } from '../integrations/spruce';
import type { Config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { ensureSpruceSync } from '../workflows/spruce-sync-client';

/**
 * Dealer onboarding, shared by `npm run dealer -- create` (scripts/dealer.ts) and
 * `POST /api/platform/dealers` (api/platform/): creates a dealer with its time zone, cutoff and
 * fee settings, invites its first admin (the email goes through the outbox), stores its Spruce
 * connection sealed after a live check that says what failed — or makes it file-based — and
 * creates or attaches its Moov account. docs/onboarding.md.
 *
 * Idempotent by slug: the same request again changes nothing and answers `unchanged`; a request
 * that differs from the stored dealer is refused (`dealer_differs`) with every difference, and
 * nothing is overwritten — later changes are the dealer admin's, in the console. Every refusal
 * comes before anything is written: a failed check (Spruce, Moov, a taken email) creates nothing.
 */

export interface OnboardingDeps {
  db: Db;
  config: Pick<Config, 'DATA_ENCRYPTION_KEY' | 'PUBLIC_URL' | 'TASK_QUEUE'>;
  moov: MoovClient;
  /** Starts a Spruce dealer's sync; without it (or when it cannot be reached) the first admin starts it with Resync. */
  temporal?: Client | null;
  /** How long the live Spruce check waits for an answer. */
  spruceTimeoutMs?: number;
}

/** A new dealer's fees when the request leaves them out: the customer pays, no fees, partial payments allowed. */
export const DEFAULT_FEES: NewDealer['fees'] = {
  fee_payer: 'customer',
  ach_fee_cents: 0,
  card_credit_rate_bps: 0,
  card_debit_rate_bps: 0,
  card_flat_fee_cents: 0,
  returned_payment_fee_cents: 0,
  surcharge_forbidden_states: [],
  allow_partial_payments: true,
  bills_by_statement: false,
};

/** The first admin's link works once and for three days, as an invitation an admin sends. */
export const FIRST_ADMIN_INVITE_TTL_MS = 72 * 60 * 60 * 1000;

const SPRUCE_CHECK_TIMEOUT_MS = 10_000;

type FieldProblem = { field: string; message: string; code: string };
const problem = (field: string, code: string, message: string): FieldProblem[] => [{ field, code, message }];

/** Every refusal onboarding gives, named once: code, status kind and the field it is about. */
export const onboardingRefusals = {
  dealerDiffers: (slug: string, differences: OnboardingDifference[]) =>
    new Refusal('conflict', 'dealer_differs', `Dealer ${slug} already exists and differs from this request in ${differences.map((d) => d.field).join(', ')}; nothing was changed. Its admin changes settings in the console; to onboard another dealer use another slug.`, differences),
  adminEmailTaken: (email: string, slug: string) =>
    new Refusal('conflict', 'admin_email_taken', `admin.email: ${email} is already an operator of dealer ${slug}; one person has one console login. Use another address.`, problem('admin.email', 'admin_email_taken', `already an operator of dealer ${slug}`)),
  spruceTenantTaken: (tenantId: string, slug: string) =>
    new Refusal('conflict', 'spruce_tenant_taken', `integration.tenant_id: Spruce tenant ${tenantId} at this address is already connected to dealer ${slug}.`, problem('integration.tenant_id', 'spruce_tenant_taken', `already connected to dealer ${slug}`)),
  moovAccountTaken: (accountId: string, slug: string) =>
    new Refusal('conflict', 'moov_account_taken', `moov.account_id: Moov account ${accountId} already receives the payments of dealer ${slug}.`, problem('moov.account_id', 'moov_account_taken', `already the account of dealer ${slug}`)),
  moovAccountNotFound: (accountId: string) =>
    new Refusal('unprocessable', 'moov_account_not_found', `moov.account_id: Moov has no account ${accountId} this platform can see; check the id, or create one with { mode: "create" }.`, problem('moov.account_id', 'moov_account_not_found', 'Moov has no such account')),
  moovUnavailable: (detail: string) =>
    new Refusal('unavailable', 'moov_unavailable', `Moov could not be reached or refused the platform's credentials (${detail}); nothing was created. Try again later.`),
  spruceUnreachable: (url: string, detail: string) =>
    new Refusal('unprocessable', 'spruce_unreachable', `integration.base_url: Spruce at ${url} could not be reached (${detail}); nothing was created. Check the address and that the server can reach it.`, problem('integration.base_url', 'spruce_unreachable', `could not be reached (${detail})`)),
  spruceTimeout: (url: string, ms: number) =>
    new Refusal('unprocessable', 'spruce_timeout', `integration.base_url: Spruce at ${url} did not answer within ${ms} ms; nothing was created.`, problem('integration.base_url', 'spruce_timeout', `no answer within ${ms} ms`)),
  spruceKeyRejected: (tenantId: string, status: number, code: string) =>
    new Refusal('unprocessable', 'spruce_key_rejected', `integration.api_key: Spruce refused the API key for tenant ${tenantId} (${status} ${code}); nothing was created. Check the key and the tenant id.`, problem('integration.api_key', 'spruce_key_rejected', `refused by Spruce (${status} ${code})`)),
  spruceTenantNotFound: (tenantId: string) =>
    new Refusal('unprocessable', 'spruce_tenant_not_found', `integration.tenant_id: Spruce has no tenant ${tenantId} at this address; nothing was created.`, problem('integration.tenant_id', 'spruce_tenant_not_found', 'Spruce has no such tenant')),
  spruceUnavailable: (url: string, status: number, code: string) =>
    new Refusal('unavailable', 'spruce_unavailable', `Spruce at ${url} answered ${status} (${code}): it is failing or busy right now; nothing was created. Try again later.`, problem('integration.base_url', 'spruce_unavailable', `answered ${status} ${code}`)),
  spruceUnexpectedResponse: (url: string, detail: string) =>
    new Refusal('unprocessable', 'spruce_unexpected_response', `integration.base_url: ${url} answered, but not as a Spruce API does (${detail}); nothing was created. Check the address.`, problem('integration.base_url', 'spruce_unexpected_response', 'not a Spruce API answer')),
  spruceRefused: (status: number, code: string, message: string) =>
    new Refusal('unprocessable', 'spruce_refused', `Spruce refused the connection check (${status} ${code}): ${message}; nothing was created.`, problem('integration', 'spruce_refused', `${status} ${code}`)),
};

const normalUrl = (url: string) => url.trim().replace(/\/+$/, '');

/** The live check: the tenant endpoint with the given key, each failure turned into what to fix. */
export async function checkSpruceConnection(connection: { base_url: string; tenant_id: string; api_key: string }, timeoutMs = SPRUCE_CHECK_TIMEOUT_MS): Promise<NonNullable<OnboardingAnswer['spruce_check']>> {
  const url = normalUrl(connection.base_url);
  const client = new SpruceClient({ baseUrl: url, tenantId: connection.tenant_id, apiKey: connection.api_key, timeoutMs });
  const started = Date.now();
  try {
    const info = await client.ping();
    return { ok: true, tenant_name: info.name, head_seq: info.head_seq, latency_ms: Date.now() - started };
  } catch (error) {
    if (!(error instanceof SpruceError)) throw error;
    if (error.status === null) {
      if (/timed out/.test(error.message)) throw onboardingRefusals.spruceTimeout(url, timeoutMs);
      throw onboardingRefusals.spruceUnreachable(url, error.message.replace(/^Spruce is unreachable: /, ''));
    }
    if (error.code === 'unexpected_response') throw onboardingRefusals.spruceUnexpectedResponse(url, error.message);
    if (error.status === 401 || error.status === 403) throw onboardingRefusals.spruceKeyRejected(connection.tenant_id, error.status, error.code);
    if (error.status === 404) throw onboardingRefusals.spruceTenantNotFound(connection.tenant_id);
    if (error.status === 429 || error.status >= 500) throw onboardingRefusals.spruceUnavailable(url, error.status, error.code);
    throw onboardingRefusals.spruceRefused(error.status, error.code, error.message);
  }
}

function fullFees(input: OnboardDealerInput): NewDealer['fees'] {
  const given = Object.fromEntries(Object.entries(input.fees ?? {}).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_FEES, ...given } as NewDealer['fees'];
}

/** Where a repeated request differs from the stored dealer; secrets are compared, never shown. */
export function differencesFrom(stored: OnboardedDealerRow, input: OnboardDealerInput, dataKey: string): OnboardingDifference[] {
  const out: OnboardingDifference[] = [];
  const differ = (field: string, storedValue: unknown, requested: unknown, secret = false) => {
    if (JSON.stringify(storedValue) === JSON.stringify(requested)) return;
    out.push(secret
      ? { field, message: 'differs from the stored value (a secret: not shown)', stored: null, requested: null }
      : { field, message: `stored ${JSON.stringify(storedValue)}, requested ${JSON.stringify(requested)}`, stored: storedValue, requested });
  };
  differ('name', stored.name, input.name);
  differ('time_zone', stored.time_zone, input.time_zone);
  differ('settlement_cutoff', stored.settlement_cutoff, input.settlement_cutoff);
  const fees = fullFees(input);
  for (const [key, value] of Object.entries(fees)) {
    const storedValue = stored[key as keyof NewDealer['fees']];
    differ(`fees.${key}`, key === 'surcharge_forbidden_states' ? [...(storedValue as string[])].sort() : storedValue, value);
  }
  differ('integration.mode', stored.integration_mode, input.integration.mode);
  if (input.integration.mode === 'spruce' && stored.integration_mode === 'spruce') {
    const key = parseDataKey(dataKey);
    const open = (value: string | null) => (value === null ? null : openCredential(value, key));
    differ('integration.base_url', stored.spruce_base_url, normalUrl(input.integration.base_url));
    differ('integration.tenant_id', stored.spruce_tenant_id, input.integration.tenant_id);
    differ('integration.api_key', open(stored.spruce_api_key), input.integration.api_key, true);
    differ('integration.webhook_secret', open(stored.spruce_webhook_secret), input.integration.webhook_secret ?? null, true);
  }
  if (input.moov.mode === 'attach') differ('moov.account_id', stored.moov_account_id, input.moov.account_id);
  else if (!stored.moov_account_id) out.push({ field: 'moov', message: 'the stored dealer has no Moov account', stored: null, requested: 'create' });
  const admin = stored.admins.find((candidate) => candidate.email.toLowerCase() === input.admin.email.toLowerCase());
  if (!admin) out.push({ field: 'admin.email', message: `no admin ${input.admin.email} at this dealer (admins: ${stored.admins.map((a) => a.email).join(', ') || 'none'})`, stored: stored.admins.map((a) => a.email), requested: input.admin.email });
  else differ('admin.name', admin.name, input.admin.name);
  return out;
}

/** The dealer as the answer shows it: settings, integration without secrets, Moov account, admins. */
export function dealerView(row: OnboardedDealerRow): OnboardedDealer {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    time_zone: row.time_zone,
    settlement_cutoff: row.settlement_cutoff,
    integration_mode: row.integration_mode,
    spruce: row.integration_mode === 'spruce' && row.spruce_base_url && row.spruce_tenant_id
      ? { base_url: row.spruce_base_url, tenant_id: row.spruce_tenant_id, api_key_set: Boolean(row.spruce_api_key), webhook_secret_set: Boolean(row.spruce_webhook_secret) }
      : null,
    moov_account_id: row.moov_account_id,
    fees: {
      fee_payer: row.fee_payer,
      ach_fee_cents: row.ach_fee_cents,
      card_credit_rate_bps: row.card_credit_rate_bps,
      card_debit_rate_bps: row.card_debit_rate_bps,
      card_flat_fee_cents: row.card_flat_fee_cents,
      returned_payment_fee_cents: row.returned_payment_fee_cents,
      surcharge_forbidden_states: row.surcharge_forbidden_states,
      allow_partial_payments: row.allow_partial_payments,
      bills_by_statement: row.bills_by_statement,
    },
    admins: row.admins.map((admin) => ({ id: admin.id, email: admin.email, name: admin.name, status: admin.status })),
    created_at: new Date(row.created_at).toISOString(),
  };
}

export async function onboardedDealer(db: Db, slug: string): Promise<OnboardedDealer> {
  const row = await dealerBySlug(db, slug);
  if (!row) throw refuseNotFound(`Dealer ${slug}`);
  return dealerView(row);
}

function moovFailure(error: unknown): Refusal {
  if (error instanceof MoovIntegrationError) return onboardingRefusals.moovUnavailable(`${error.code}: ${error.message}`);
  return onboardingRefusals.moovUnavailable(error instanceof Error ? error.message : String(error));
}


function firstAdminMail(publicUrl: string, admin: { name: string }, token: string) {
  return (dealerName: string | undefined) => ({
    subject: `You are the first admin of ${dealerName ?? 'your company'} on Drypowder`,
    text: [
      `Hello ${admin.name},`,
      '',
      `${dealerName ?? 'Your company'} now takes payments with Drypowder, and you are its first administrator.`,
      'Choose your password with this link (it works once and expires in 72 hours):',
      '',
      `${publicUrl.replace(/\/$/, '')}/admin/#/set-password?token=${encodeURIComponent(token)}`,
      '',
      'Then sign in to the operator console: check the Integration page, set up fees and invite your team in Settings.',
      'If you did not expect this email you can ignore it.',
    ].join('\n'),
  });
}

async function startSync(deps: OnboardingDeps, dealerId: string): Promise<boolean> {
  if (!deps.temporal) return false;
  try {
    await ensureSpruceSync(deps.temporal, deps.config.TASK_QUEUE, dealerId);
    return true;
  } catch (error) {
    logger.warn({ err: error, dealerId }, 'onboarding: the Spruce sync could not be started; the first admin can start it with Resync');
    return false;
  }
}

/** Onboards a dealer, or answers `unchanged` for the same request again; see the module comment. */
export async function onboardDealer(deps: OnboardingDeps, actor: PlatformActor, input: OnboardDealerInput, attempt = 1): Promise<OnboardingAnswer> {
  const { db, config } = deps;
  const existing = await dealerBySlug(db, input.slug);
  if (existing) return repeated(deps, existing, input);

  const spruce = input.integration.mode === 'spruce' ? input.integration : null;
  const claims = await onboardingClaims(db, {
    adminEmail: input.admin.email,
    spruce: spruce ? { baseUrl: normalUrl(spruce.base_url), tenantId: spruce.tenant_id } : undefined,
    moovAccountId: input.moov.mode === 'attach' ? input.moov.account_id : undefined,
  });
  if (claims.adminEmailHeldBy) throw onboardingRefusals.adminEmailTaken(input.admin.email, claims.adminEmailHeldBy);
  if (spruce && claims.spruceTenantHeldBy) throw onboardingRefusals.spruceTenantTaken(spruce.tenant_id, claims.spruceTenantHeldBy);
  if (input.moov.mode === 'attach' && claims.moovAccountHeldBy) throw onboardingRefusals.moovAccountTaken(input.moov.account_id, claims.moovAccountHeldBy);

  const spruceCheck = spruce ? await checkSpruceConnection(spruce, deps.spruceTimeoutMs) : null;
  if (input.moov.mode === 'attach') {
    const accountId = input.moov.account_id;
    await deps.moov.getAccount(accountId).catch((error: unknown) => {
      if (error instanceof MoovIntegrationError && (error.code === 'not-found' || error.code === 'forbidden')) throw onboardingRefusals.moovAccountNotFound(accountId);
      throw moovFailure(error);
    });
  }

  const key = parseDataKey(config.DATA_ENCRYPTION_KEY);
  const token = newToken();
  const moovRequest = input.moov;
  let created: { dealerId: string; adminId: string };
  let moovAnswer: OnboardingAnswer['moov'] = { account_id: '', action: 'created' };
  try {
    created = await createOnboardedDealer(
      db,
      actor,
      {
        slug: input.slug,
        name: input.name,
        time_zone: input.time_zone,
        settlement_cutoff: input.settlement_cutoff,
        integration_mode: input.integration.mode,
        spruce: spruce
          ? { base_url: normalUrl(spruce.base_url), tenant_id: spruce.tenant_id, sealed_api_key: sealCredential(spruce.api_key, key), sealed_webhook_secret: spruce.webhook_secret ? sealCredential(spruce.webhook_secret, key) : null }
          : null,
        fees: fullFees(input),
      },
      { email: input.admin.email, name: input.admin.name, token, ttlMs: FIRST_ADMIN_INVITE_TTL_MS, compose: firstAdminMail(config.PUBLIC_URL, input.admin, token.token) },
      // Last inside the transaction: a Moov failure rolls the dealer back. The account's foreign id
      // is `dealer-<id>`, the one the payment path looks for (services/payment-methods.ts).
      async (dealerId) => {
        if (moovRequest.mode === 'attach') {
          moovAnswer = { account_id: moovRequest.account_id, action: 'attached' };
          return { accountId: moovRequest.account_id, action: 'attached' };
        }
        const accountId = await deps.moov.ensureDealerAccount({ id: dealerId, name: input.name, email: input.admin.email }).catch((error: unknown) => {
          throw moovFailure(error);
        });
        moovAnswer = { account_id: accountId, action: 'created' };
        return { accountId, action: 'created' };
      },
    );
  } catch (error) {
    // Another request created the same slug meanwhile: answer as a repeat of it.
    if (isSlugTaken(error) && attempt === 1) return onboardDealer(deps, actor, input, 2);
    throw error;
  }
  logger.info({ dealerId: created.dealerId, slug: input.slug, actor: actor.id, integration: input.integration.mode, moov: moovAnswer.action }, 'dealer onboarded');
  const syncStarted = spruce ? await startSync(deps, created.dealerId) : false;
  const row = await dealerBySlug(db, input.slug);
  return {
    outcome: 'created',
    message: `Dealer ${input.slug} created; ${input.admin.email} was invited as its first admin${spruce ? `, Spruce tenant ${spruce.tenant_id} connected` : ', file-based'}, Moov account ${moovAnswer.account_id} ${moovAnswer.action}.`,
    dealer: dealerView(row!),
    spruce_check: spruceCheck,
    moov: moovAnswer,
    sync_started: syncStarted,
  };
}

async function repeated(deps: OnboardingDeps, existing: OnboardedDealerRow, input: OnboardDealerInput): Promise<OnboardingAnswer> {
  const differences = differencesFrom(existing, input, deps.config.DATA_ENCRYPTION_KEY);
  if (differences.length) throw onboardingRefusals.dealerDiffers(input.slug, differences);
  const syncStarted = existing.integration_mode === 'spruce' ? await startSync(deps, existing.id) : false;
  return {
    outcome: 'unchanged',
    message: `Dealer ${input.slug} already exists exactly as requested; nothing was changed.`,
    dealer: dealerView(existing),
    spruce_check: null,
    moov: { account_id: existing.moov_account_id!, action: 'unchanged' },
    sync_started: syncStarted,
  };
}
