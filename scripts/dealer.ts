import { Client, Connection } from '@temporalio/client';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { onboardDealerBody, dealerSlug, type OnboardDealerBody, type OnboardingAnswer, type OnboardedDealer } from '../contracts/platform/dealers';
import { createDb } from '../db/connection';
import { isRefusal } from '../domain/refusal';
import { createMoovClient } from '../integrations/moov';
import { config } from '../runtime/config';
import { temporalSecurity } from '../runtime/temporal-client';
import { onboardDealer, onboardedDealer } from '../services/dealer-onboarding';

/**
 * `npm run dealer -- create …`: onboards a dealer through services/dealer-onboarding.ts, the
 * same service as `POST /api/platform/dealers` (docs/onboarding.md). `npm run dealer -- show
 * --slug …` prints what onboarding left. Exit status: 0 done (created or unchanged), 1 refused
 * (the refusal's code, message and fields are printed), 2 a usage error.
 */

const USAGE = `usage:
  npm run dealer -- create --name <name> --time-zone <IANA zone> --cutoff <HH:MM> --admin-email <email>
      [--slug <slug>] [--admin-name <name>]
      (--spruce-url <url> [--spruce-tenant <id>] [--spruce-key <key>] [--spruce-webhook-secret <secret>] | --file-based)
      (--moov-account <id> | --create-moov-account)
      [--fee-payer dealer|customer] [--ach-fee-cents N] [--card-credit-rate-bps N] [--card-debit-rate-bps N]
      [--card-flat-fee-cents N] [--returned-payment-fee-cents N] [--surcharge-forbidden-states CT,MA]
      [--allow-partial-payments true|false] [--bills-by-statement true|false]
      [--json]
  npm run dealer -- show --slug <slug> [--json]

The Spruce key may come from DEALER_SPRUCE_API_KEY (and the webhook secret from
DEALER_SPRUCE_WEBHOOK_SECRET) instead of the command line, which other users of the machine can see.`;

const OPTIONS = {
  slug: { type: 'string' },
  name: { type: 'string' },
  'time-zone': { type: 'string' },
  cutoff: { type: 'string' },
  'admin-email': { type: 'string' },
  'admin-name': { type: 'string' },
  'spruce-url': { type: 'string' },
  'spruce-tenant': { type: 'string' },
  'spruce-key': { type: 'string' },
  'spruce-webhook-secret': { type: 'string' },
  'file-based': { type: 'boolean' },
  'moov-account': { type: 'string' },
  'create-moov-account': { type: 'boolean' },
  'fee-payer': { type: 'string' },
  'ach-fee-cents': { type: 'string' },
  'card-credit-rate-bps': { type: 'string' },
  'card-debit-rate-bps': { type: 'string' },
  'card-flat-fee-cents': { type: 'string' },
  'returned-payment-fee-cents': { type: 'string' },
  'surcharge-forbidden-states': { type: 'string' },
  'allow-partial-payments': { type: 'string' },
  'bills-by-statement': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = Partial<Record<keyof typeof OPTIONS, string | boolean>>;

/** The flag each request field comes from, so a refusal names what to change on the command line. */
const FLAG_OF: Record<string, string> = {
  slug: '--slug', name: '--name', time_zone: '--time-zone', settlement_cutoff: '--cutoff', 'admin.email': '--admin-email', 'admin.name': '--admin-name',
  'integration.base_url': '--spruce-url', 'integration.tenant_id': '--spruce-tenant', 'integration.api_key': '--spruce-key', 'integration.webhook_secret': '--spruce-webhook-secret',
  'integration.mode': '--spruce-url/--file-based', 'moov.account_id': '--moov-account', moov: '--moov-account/--create-moov-account',
  'fees.fee_payer': '--fee-payer', 'fees.ach_fee_cents': '--ach-fee-cents', 'fees.card_credit_rate_bps': '--card-credit-rate-bps', 'fees.card_debit_rate_bps': '--card-debit-rate-bps',
  'fees.card_flat_fee_cents': '--card-flat-fee-cents', 'fees.returned_payment_fee_cents': '--returned-payment-fee-cents', 'fees.surcharge_forbidden_states': '--surcharge-forbidden-states',
  'fees.allow_partial_payments': '--allow-partial-payments', 'fees.bills_by_statement': '--bills-by-statement',
};
const flagOf = (field: string) => FLAG_OF[field] ?? FLAG_OF[field.replace(/\.\d+$/, '')] ?? field;

class UsageError extends Error {}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** `Northwind Lumber & Millwork` → `northwind-lumber-millwork`. */
export function slugFromName(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
}

/** A whole number stays a number; anything else is passed on as text for the contract to refuse by name. */
const numeric = (value: string | boolean | undefined) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);
const boolean = (value: string | boolean | undefined) => (value === 'true' ? true : value === 'false' ? false : value);

/** The request body the flags describe (validated afterwards by the same contract as the API's). */
export function requestFromFlags(flags: Flags, env: NodeJS.ProcessEnv = process.env): OnboardDealerBody {
  const name = typeof flags.name === 'string' ? flags.name : '';
  const slug = typeof flags.slug === 'string' ? flags.slug : slugFromName(name);
  const spruceUrl = flags['spruce-url'];
  if (Boolean(spruceUrl) === Boolean(flags['file-based'])) throw new UsageError('give exactly one of --spruce-url <url> (a Spruce dealer) or --file-based');
  if (Boolean(flags['moov-account']) === Boolean(flags['create-moov-account'])) throw new UsageError('give exactly one of --moov-account <id> (attach an existing Moov account) or --create-moov-account');
  const email = typeof flags['admin-email'] === 'string' ? flags['admin-email'] : '';
  const fees = Object.fromEntries(Object.entries({
    fee_payer: flags['fee-payer'],
    ach_fee_cents: numeric(flags['ach-fee-cents']),
    card_credit_rate_bps: numeric(flags['card-credit-rate-bps']),
    card_debit_rate_bps: numeric(flags['card-debit-rate-bps']),
    card_flat_fee_cents: numeric(flags['card-flat-fee-cents']),
    returned_payment_fee_cents: numeric(flags['returned-payment-fee-cents']),
    surcharge_forbidden_states: typeof flags['surcharge-forbidden-states'] === 'string' ? flags['surcharge-forbidden-states'].split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    allow_partial_payments: boolean(flags['allow-partial-payments']),
    bills_by_statement: boolean(flags['bills-by-statement']),
  }).filter(([, value]) => value !== undefined));
  const webhookSecret = (flags['spruce-webhook-secret'] as string | undefined) ?? env.DEALER_SPRUCE_WEBHOOK_SECRET;
  return {
    slug,
    name,
    time_zone: (flags['time-zone'] as string | undefined) ?? '',
    settlement_cutoff: (flags.cutoff as string | undefined) ?? '',
    admin: { email, name: (flags['admin-name'] as string | undefined) ?? email.split('@')[0] ?? email },
    integration: spruceUrl
      ? {
          mode: 'spruce',
          base_url: String(spruceUrl),
          tenant_id: (flags['spruce-tenant'] as string | undefined) ?? slug,
          api_key: (flags['spruce-key'] as string | undefined) ?? env.DEALER_SPRUCE_API_KEY ?? '',
          ...(webhookSecret ? { webhook_secret: webhookSecret } : {}),
        }
      : { mode: 'file' },
    moov: flags['moov-account'] ? { mode: 'attach', account_id: String(flags['moov-account']) } : { mode: 'create' },
    ...(Object.keys(fees).length ? { fees: fees as OnboardDealerBody['fees'] } : {}),
  };
}

function printDealer(dealer: OnboardedDealer): void {
  out(`  dealer      ${dealer.name} (${dealer.slug}, id ${dealer.id})`);
  out(`  time zone   ${dealer.time_zone}, settlement cutoff ${dealer.settlement_cutoff}`);
  out(`  integration ${dealer.spruce ? `Spruce tenant ${dealer.spruce.tenant_id} at ${dealer.spruce.base_url} (key sealed${dealer.spruce.webhook_secret_set ? ', webhook secret sealed' : ''})` : 'file-based (CSV uploads)'}`);
  out(`  Moov        ${dealer.moov_account_id ?? 'none'}`);
  const f = dealer.fees;
  out(`  fees        paid by ${f.fee_payer}; ACH ${f.ach_fee_cents}¢, card ${f.card_credit_rate_bps}/${f.card_debit_rate_bps} bps + ${f.card_flat_fee_cents}¢, returned payment ${f.returned_payment_fee_cents}¢`);
  for (const admin of dealer.admins) out(`  admin       ${admin.name} <${admin.email}> (${admin.status})`);
}

function printAnswer(answer: OnboardingAnswer): void {
  out(answer.outcome === 'created' ? 'created' : 'unchanged: nothing to do');
  out(`  ${answer.message}`);
  printDealer(answer.dealer);
  if (answer.spruce_check) out(`  Spruce      live check passed: tenant "${answer.spruce_check.tenant_name}", head ${answer.spruce_check.head_seq}, ${answer.spruce_check.latency_ms} ms`);
  if (answer.dealer.integration_mode === 'spruce') out(`  sync        ${answer.sync_started ? 'running' : 'not started (Temporal unreachable): the admin starts it with Resync on the Integration page'}`);
  if (answer.outcome === 'created') out(`  The invitation email to ${answer.dealer.admins[0]?.email} is in the outbox; the worker sends it.`);
}

type FieldDetail = { field: string; message: string; code?: string; stored?: unknown; requested?: unknown };

function printRefusal(code: string, message: string, details: unknown, json: boolean): void {
  const fields = Array.isArray(details) ? (details as FieldDetail[]).map((d) => ({ ...d, flag: flagOf(d.field) })) : [];
  if (json) {
    out(JSON.stringify({ error: { code, message, ...(fields.length ? { details: fields } : {}) } }, null, 2));
    return;
  }
  err(`refused (${code}): ${message}`);
  for (const field of fields) err(`  ${field.flag}: ${field.message}`);
}

async function connectTemporal(cfg: ReturnType<typeof config>): Promise<{ client: Client; close: () => Promise<void> } | null> {
  try {
    const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS, connectTimeout: '10s', ...temporalSecurity(cfg) });
    return { client: new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE }), close: () => connection.close() };
  } catch (error) {
    err(`warning: Temporal at ${cfg.TEMPORAL_ADDRESS} could not be reached (${error instanceof Error ? error.message : String(error)}); the Spruce sync will not be started`);
    return null;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  let flags: Flags;
  try {
    flags = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }).values as Flags;
  } catch (error) {
    err(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (flags.help || !command || command === 'help') {
    out(USAGE);
    return command ? 0 : 2;
  }
  const json = Boolean(flags.json);
  if (command !== 'create' && command !== 'show') {
    err(`unknown command ${command}\n\n${USAGE}`);
    return 2;
  }
  const cfg = config();
  const db = createDb(cfg.DATABASE_URL, { max: 2 });
  let temporal: Awaited<ReturnType<typeof connectTemporal>> = null;
  try {
    if (command === 'show') {
      const slug = dealerSlug.safeParse(flags.slug);
      if (!slug.success) throw new UsageError('--slug: give the dealer\'s slug');
      const dealer = await onboardedDealer(db, slug.data);
      if (json) out(JSON.stringify(dealer, null, 2));
      else printDealer(dealer);
      return 0;
    }
    const parsed = onboardDealerBody.safeParse(requestFromFlags(flags));
    if (!parsed.success) {
      const details = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(request)', message: issue.message }));
      printRefusal('invalid_request', details.map((d) => `${flagOf(d.field)}: ${d.message}`).join('; '), details, json);
      return 1;
    }
    if (parsed.data.integration.mode === 'spruce') temporal = await connectTemporal(cfg);
    const actor = { id: `cli:${os.userInfo().username}` };
    const answer = await onboardDealer({ db, config: cfg, moov: createMoovClient(cfg), temporal: temporal?.client ?? null }, actor, parsed.data);
    if (json) out(JSON.stringify(answer, null, 2));
    else printAnswer(answer);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (isRefusal(error)) {
      printRefusal(error.code, error.message, error.details, json);
      return 1;
    }
    throw error;
  } finally {
    await temporal?.close().catch(() => undefined);
    await db.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => process.exit(status),
    (error) => {
      err(`drypowder dealer: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
