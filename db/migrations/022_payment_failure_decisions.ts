import type { Knex } from 'knex';

/**
 * An operator's decision on a failed, returned or disputed payment (domain/failure-decision.ts),
 * in a table of its own: the payments row is the workflow's read model and keeps no column
 * an operator writes.
 *
 * A decision answers the status it was recorded on. Any later change of the payment's status
 * marks the standing decision superseded, by a trigger so that every writer of the status (the
 * payment workflow's activities, repairs by hand) is covered: a dispute resolved leaves the
 * problem statuses anyway, and a disputed payment that comes back as an ACH return needs a
 * new decision about the return. Superseded decisions stay as the payment's history. At most
 * one decision stands per payment, which also refuses two operators deciding at once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('payment_failure_decisions', (t) => {
    t.bigIncrements('id');
    t.uuid('payment_id').notNullable().references('payments.id').onDelete('cascade');
    t.uuid('dealer_id').notNullable().references('dealers.id');
    t.text('payment_status').notNullable().checkIn(['failed', 'returned', 'disputed']);
    t.text('outcome').notNullable().checkIn(['contacted_customer', 'paying_another_way', 'resubmitted', 'written_off', 'no_action_needed']);
    t.text('note');
    t.uuid('operator_id').notNullable().references('operator_users.id');
    t.timestamp('decided_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('superseded_at', { useTz: true });
    t.index(['payment_id', 'decided_at']);
  });
  await knex.raw('create unique index payment_failure_decisions_standing on payment_failure_decisions (payment_id) where superseded_at is null');
  await knex.raw(`
    create function payment_status_supersedes_decision() returns trigger language plpgsql as $$
    begin
      update payment_failure_decisions set superseded_at = now() where payment_id = new.id and superseded_at is null;
      return null;
    end $$;
    create trigger payment_status_supersedes_decision
      after update of status on payments
      for each row when (old.status is distinct from new.status)
      execute function payment_status_supersedes_decision();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger payment_status_supersedes_decision on payments');
  await knex.raw('drop function payment_status_supersedes_decision()');
  await knex.schema.dropTable('payment_failure_decisions');
}
