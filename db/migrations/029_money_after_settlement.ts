import type { Knex } from 'knex';

/**
 * Money that moves after a payment settled: card disputes as the processor reports them, and
 * every amount taken back from a settled payment (a late ACH return, a chargeback lost, a
 * refund), each with the items it re-opened.
 *
 * A reversal is keyed by its source at the processor (the dispute, the refund, the return), so
 * a duplicated or late event finds the row and changes nothing. `reversed_cents` on an
 * application is what has been given back of it so far; an application fully given back
 * moves to state `reversed` as before.
 */
const STATUSES_BEFORE = ['pending', 'settled', 'frozen', 'terminated', 'failed', 'returned', 'disputed'];
/** A payment given back in full: by an operator's refund, or by a chargeback the dealer lost. */
const STATUSES_AFTER = [...STATUSES_BEFORE, 'refunded', 'charged_back'];

async function replaceStatusCheck(knex: Knex, statuses: string[]): Promise<void> {
  // Knex named the original check itself; find it by what it checks rather than by name.
  const { rows } = await knex.raw(`select conname from pg_constraint where conrelid = 'payments'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%status%pending%'`);
  for (const row of rows as Array<{ conname: string }>) await knex.raw('alter table payments drop constraint ??', [row.conname]);
  // DDL takes no bind parameters; the statuses are this file's own constants.
  await knex.raw(`alter table payments add constraint payments_status_check check (status in (${statuses.map((status) => `'${status}'`).join(', ')}))`);
}

/** A chargeback lost needs an AR decision like a return does (domain/failure-decision.ts). */
async function replaceDecisionStatusCheck(knex: Knex, statuses: string[]): Promise<void> {
  const { rows } = await knex.raw(`select conname from pg_constraint where conrelid = 'payment_failure_decisions'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%payment_status%'`);
  for (const row of rows as Array<{ conname: string }>) await knex.raw('alter table payment_failure_decisions drop constraint ??', [row.conname]);
  await knex.raw(`alter table payment_failure_decisions add constraint payment_failure_decisions_payment_status_check check (payment_status in (${statuses.map((status) => `'${status}'`).join(', ')}))`);
}

export async function up(knex: Knex): Promise<void> {
  await replaceStatusCheck(knex, STATUSES_AFTER);
  await replaceDecisionStatusCheck(knex, ['failed', 'returned', 'disputed', 'charged_back']);
  await knex.schema.createTable('payment_disputes', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id');
    t.uuid('payment_id').notNullable().references('payments.id').onDelete('cascade');
    t.text('processor_dispute_id').notNullable().unique();
    t.bigInteger('amount_cents').notNullable();
    t.text('status').notNullable().checkIn(['response_needed', 'under_review', 'won', 'lost', 'accepted', 'closed']);
    t.text('phase');
    t.text('network_reason_code');
    t.text('network_reason');
    t.timestamp('respond_by', { useTz: true });
    t.text('evidence_notes');
    t.uuid('evidence_by').references('operator_users.id');
    t.timestamp('evidence_at', { useTz: true });
    t.timestamp('opened_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('decided_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['payment_id']);
  });
  await knex.raw('alter table payment_disputes add constraint payment_disputes_amount check (amount_cents > 0)');

  await knex.schema.createTable('payment_reversals', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('dealer_id').notNullable().references('dealers.id');
    t.uuid('payment_id').notNullable().references('payments.id').onDelete('cascade');
    t.text('kind').notNullable().checkIn(['ach_return', 'chargeback', 'refund']);
    /** The processor's id for what took the money back (dispute id, refund id, or the return). */
    t.text('source_id').notNullable();
    t.bigInteger('amount_cents').notNullable();
    t.text('reason').notNullable();
    t.text('return_code');
    t.uuid('actor_id').references('operator_users.id');
    t.text('processor_status');
    /** A chargeback later won (arbitration) puts the money back: the re-application is posted. */
    t.timestamp('reapplied_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['payment_id', 'kind', 'source_id']);
  });
  await knex.raw('alter table payment_reversals add constraint payment_reversals_amount check (amount_cents > 0)');

  await knex.schema.createTable('payment_reversal_items', (t) => {
    t.bigIncrements('id');
    t.uuid('reversal_id').notNullable().references('payment_reversals.id').onDelete('cascade');
    t.bigInteger('application_id').notNullable().references('payment_applications.id');
    t.bigInteger('amount_cents').notNullable();
    t.unique(['reversal_id', 'application_id']);
  });

  await knex.schema.alterTable('payment_applications', (t) => {
    t.bigInteger('reversed_cents').notNullable().defaultTo(0);
  });
  await knex.schema.alterTable('payments', (t) => {
    /** Taken back after settlement (refunds, chargebacks lost, returns); the payment's net is amount − this. */
    t.bigInteger('reversed_cents').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await replaceStatusCheck(knex, STATUSES_BEFORE);
  await replaceDecisionStatusCheck(knex, ['failed', 'returned', 'disputed']);
  await knex.schema.alterTable('payments', (t) => t.dropColumn('reversed_cents'));
  await knex.schema.alterTable('payment_applications', (t) => t.dropColumn('reversed_cents'));
  await knex.schema.dropTable('payment_reversal_items');
  await knex.schema.dropTable('payment_reversals');
  await knex.schema.dropTable('payment_disputes');
}
