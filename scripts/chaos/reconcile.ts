import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection';
import type { MoovEmulatorAdmin } from '../../emulators/moov';
import { paymentWorkflowId, type PaymentState } from '../../workflows/payment-definitions';
import type { CaughtMessage } from '../../emulators/smtp-sink';
import { aftermathFor, reversedCentsAfter, STATUS_AFTER } from './aftermath';
import { EXPECTED_STATUSES, EXPECTED_TRANSFER_STATUS, type PlannedPayment } from './plan';
import type { ChaosBook } from './seed';
import { spruceAdmin } from './seed';

/**
 * The end of a chaos run: the three books and the audit log read independently and held
 * against what was planned. Every difference is a discrepancy with the payment (or line) it
 * concerns and both sides; the goal is none.
 */
export interface Discrepancy {
  check: 'payment_state' | 'workflow' | 'moov_transfers' | 'spruce_ledger' | 'invoice_balance' | 'audit_log' | 'settlement' | 'after_settlement' | 'email';
  subject: string;
  detail: string;
}

interface PaymentRow {
  id: string;
  number: string;
  status: string;
  amount_cents: string;
  reversed_cents: string;
  idempotency_key: string;
  moov_transfer_id: string | null;
}

const pool = async <T, R>(items: T[], width: number, run: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i]!);
    }
  }));
  return results;
};

export interface Reconciliation {
  discrepancies: Discrepancy[];
  counts: Record<string, number>;
  email: { outbox: number; sent: number; deliveries: number; delivered_distinct: number; delivered_twice: number };
}

export async function reconcile(
  db: Db, temporal: Client, moov: MoovEmulatorAdmin, spruceUrl: string, book: ChaosBook, plan: PlannedPayment[],
  after: { aftermathFailures: string[]; mail: CaughtMessage[] },
): Promise<Reconciliation> {
  const found: Discrepancy[] = [];
  const add = (check: Discrepancy['check'], subject: string, detail: string) => found.push({ check, subject, detail });
  const payments = (await db('payments').where({ dealer_id: book.dealerId }).select('id', 'number', 'status', 'amount_cents', 'reversed_cents', 'idempotency_key', 'moov_transfer_id')) as PaymentRow[];
  const byKey = new Map(payments.map((p) => [p.idempotency_key, p]));
  const counts: Record<string, number> = { payments: payments.length };
  for (const p of payments) counts[`status_${p.status}`] = (counts[`status_${p.status}`] ?? 0) + 1;

  // 1. Every planned payment exists once and ended where its scenario (and what happened after it settled) says.
  if (payments.length !== plan.length) add('payment_state', 'dealer', `${payments.length} payments recorded for ${plan.length} submitted`);
  for (const failure of after.aftermathFailures) add('after_settlement', failure.split(':')[0]!, failure);
  const plannedOf = new Map<string, PlannedPayment>();
  for (const planned of plan) {
    const payment = byKey.get(planned.idempotencyKey);
    if (!payment) {
      add('payment_state', planned.invoiceNumber, `no payment for submission ${planned.idempotencyKey}`);
      continue;
    }
    plannedOf.set(payment.id, planned);
    const aftermath = aftermathFor(planned);
    const expected = aftermath ? [STATUS_AFTER[aftermath]] : EXPECTED_STATUSES[planned.scenario];
    if (!expected.includes(payment.status)) add('payment_state', payment.number, `${planned.scenario}${aftermath ? ` then ${aftermath}` : ''} payment is ${payment.status}, expected ${expected.join(' or ')}`);
    if (Number(payment.amount_cents) !== planned.amountCents) add('payment_state', payment.number, `charged ${payment.amount_cents} cents for an invoice of ${planned.amountCents}`);
    // A return after clearing takes back the whole payment, like any other movement after settling.
    const reversed = payment.status === 'returned' ? planned.amountCents : reversedCentsAfter(aftermath, planned.amountCents);
    if (Number(payment.reversed_cents) !== reversed) add('after_settlement', payment.number, `${payment.reversed_cents} cents taken back, expected ${reversed}${aftermath ? ` (${aftermath})` : ''}`);
  }

  // 2. Every payment workflow finished, agreeing with the read model.
  await pool(payments, 10, async (payment) => {
    const handle = temporal.workflow.getHandle(paymentWorkflowId(payment.id));
    const description = await handle.describe().catch(() => undefined);
    if (!description) return add('workflow', payment.number, 'no payment workflow');
    // The latest run under payment-<id>: a follow-up run once money moved after the first closed.
    if (description.status.name !== 'COMPLETED') return add('workflow', payment.number, `${description.type} run is ${description.status.name}`);
    const result = (await handle.result()) as PaymentState;
    if (result.status !== payment.status) add('workflow', payment.number, `workflow ended ${result.status}, database says ${payment.status}`);
  });

  // 3. Moov holds exactly one transfer per payment, for its amount, in the matching status.
  const transfers = await moov.transfers();
  const paymentIds = new Set(payments.map((p) => p.id));
  const transfersOf = new Map<string, typeof transfers>();
  for (const transfer of transfers) {
    const owner = transfer.foreignID;
    if (!owner || !paymentIds.has(owner)) continue;
    transfersOf.set(owner, [...(transfersOf.get(owner) ?? []), transfer]);
  }
  counts.moov_transfers = [...transfersOf.values()].reduce((sum, list) => sum + list.length, 0);
  for (const payment of payments) {
    const held = transfersOf.get(payment.id) ?? [];
    if (held.length !== 1) {
      add('moov_transfers', payment.number, `${held.length} transfers at Moov`);
      continue;
    }
    const transfer = held[0]!;
    if (transfer.transferID !== payment.moov_transfer_id) add('moov_transfers', payment.number, `Moov transfer ${transfer.transferID}, recorded ${payment.moov_transfer_id}`);
    if (transfer.amount.value !== Number(payment.amount_cents)) add('moov_transfers', payment.number, `Moov amount ${transfer.amount.value}, payment ${payment.amount_cents}`);
    // Money given back after settling (a refund, a chargeback) may leave the transfer completed or mark it reversed.
    const movedAfter = aftermathFor(plannedOf.get(payment.id) ?? { index: -1, scenario: 'processing_error' }) !== undefined;
    const expected = movedAfter && payment.status !== 'returned' ? ['completed', 'reversed'] : EXPECTED_TRANSFER_STATUS[payment.status];
    if (expected && !expected.includes(transfer.status)) add('moov_transfers', payment.number, `payment ${payment.status} but Moov transfer ${transfer.status}`);
  }

  // 4. Spruce's ledger: one posting per line key, each matching a posted line of ours, nothing else.
  const ledger = (await spruceAdmin(spruceUrl, 'GET', `/admin/tenants/${book.tenantId}/ledger`)) as Array<{ id: string; idempotency_key: string; amount_cents: number; type: string; document_id: string | null; payment_reference: string }>;
  counts.ledger_postings = ledger.length;
  const postingsByKey = new Map<string, number>();
  for (const posting of ledger) postingsByKey.set(posting.idempotency_key, (postingsByKey.get(posting.idempotency_key) ?? 0) + 1);
  for (const [key, n] of postingsByKey) if (n > 1) add('spruce_ledger', key, `${n} postings under one idempotency key`);
  const lines = await db('gl_posting_lines as l').join('payments as p', 'p.id', 'l.payment_id').where('l.dealer_id', book.dealerId)
    .select('l.id', 'l.idempotency_key', 'l.status', 'l.erp_posting_id', 'l.amount_cents', 'l.line_type', 'l.document_id', 'l.rejected_reason', 'p.number', 'p.status as payment_status');
  counts.gl_lines = lines.length;
  const ledgerById = new Map(ledger.map((posting) => [posting.id, posting]));
  const claimed = new Map<string, number>();
  for (const line of lines) {
    if (line.status !== 'posted') {
      add('spruce_ledger', line.idempotency_key, `line of ${line.number} is ${line.status}${line.rejected_reason ? ` (${line.rejected_reason})` : ''}`);
      continue;
    }
    const posting = line.erp_posting_id ? ledgerById.get(line.erp_posting_id) : undefined;
    if (!posting) {
      add('spruce_ledger', line.idempotency_key, `line of ${line.number} marked posted as ${line.erp_posting_id}, absent from the ledger`);
      continue;
    }
    claimed.set(posting.id, (claimed.get(posting.id) ?? 0) + 1);
    if (!posting.idempotency_key.startsWith(line.idempotency_key)) add('spruce_ledger', line.idempotency_key, `posting ${posting.id} carries key ${posting.idempotency_key}`);
    if (posting.amount_cents !== Math.abs(Number(line.amount_cents))) add('spruce_ledger', line.idempotency_key, `ledger ${posting.amount_cents} cents, line ${line.amount_cents}`);
  }
  for (const posting of ledger) {
    const n = claimed.get(posting.id) ?? 0;
    if (n !== 1) add('spruce_ledger', posting.idempotency_key, `ledger posting ${posting.id} (${posting.type} ${posting.document_id}, ${posting.payment_reference}) belongs to ${n} lines`);
  }
  // A settled payment has its one invoice line posted; a returned one has it and its reversal, or neither if it never reached a batch.
  const linesOf = new Map<string, typeof lines>();
  for (const line of lines) linesOf.set(line.number, [...(linesOf.get(line.number) ?? []), line]);
  for (const payment of payments) {
    const own = linesOf.get(payment.number) ?? [];
    const types = own.map((line) => line.line_type).sort().join('+') || 'none';
    const reversedAfter = Number(payment.reversed_cents) > 0 || ['returned', 'refunded', 'charged_back'].includes(payment.status);
    const allowed = payment.status === 'settled' && !reversedAfter ? ['invoice_payment'] : reversedAfter ? ['invoice_payment+reversal'] : ['none', 'invoice_payment+reversal'];
    if (!allowed.includes(types)) add('spruce_ledger', payment.number, `${payment.status} payment has GL lines ${types}, expected ${allowed.join(' or ')}`);
  }

  // 5. Invoice balances, ours and Spruce's: the starting balance less what settled and stayed (the plan's own figures).
  const settledAmount = new Map<string, number>();
  for (const planned of plan) {
    const payment = byKey.get(planned.idempotencyKey);
    const kept = planned.amountCents - reversedCentsAfter(aftermathFor(planned), planned.amountCents);
    settledAmount.set(planned.invoiceNumber, payment?.status === 'settled' ? kept : 0);
  }
  const invoices = await db('invoices').where({ dealer_id: book.dealerId }).select('invoice_number', 'balance_cents', 'reserved_cents', 'status');
  for (const invoice of invoices) {
    const start = book.invoices.get(invoice.invoice_number)?.startCents ?? Number.NaN;
    const expected = start - (settledAmount.get(invoice.invoice_number) ?? 0);
    if (Number(invoice.balance_cents) !== expected) add('invoice_balance', invoice.invoice_number, `balance ${invoice.balance_cents}, expected ${expected} (start ${start})`);
    if (Number(invoice.reserved_cents) !== 0) add('invoice_balance', invoice.invoice_number, `still ${invoice.reserved_cents} cents reserved`);
  }
  await pool(invoices, 20, async (invoice: { invoice_number: string }) => {
    const inSpruce = await spruceAdmin(spruceUrl, 'GET', `/admin/tenants/${book.tenantId}/invoices/${encodeURIComponent(invoice.invoice_number)}`);
    const start = book.invoices.get(invoice.invoice_number)?.startCents ?? Number.NaN;
    const expected = start - (settledAmount.get(invoice.invoice_number) ?? 0);
    if (inSpruce.balance_cents !== expected) add('invoice_balance', invoice.invoice_number, `Spruce balance ${inSpruce.balance_cents}, expected ${expected} (start ${start})`);
  });

  // 6. The audit log: every status transition of every payment, in a chain that ends where the payment is.
  const events = await db('payment_events as e').join('payments as p', 'p.id', 'e.payment_id').where('p.dealer_id', book.dealerId)
    .orderBy([{ column: 'e.payment_id' }, { column: 'e.id' }]).select('e.payment_id', 'e.from_status', 'e.to_status', 'e.event');
  const audits = await db('audit_events').where({ dealer_id: book.dealerId, entity_type: 'payment' }).select('entity_id', 'action', 'data');
  counts.payment_events = events.length;
  counts.payment_audit_events = audits.length;
  const transitionKey = (event: string, from: string | null | undefined, to: string | null | undefined) => `${event}:${from ?? '∅'}→${to ?? '∅'}`;
  const chains = new Map<string, string[]>();
  const audited = new Map<string, string[]>();
  for (const e of events) chains.set(e.payment_id, [...(chains.get(e.payment_id) ?? []), transitionKey(e.event, e.from_status, e.to_status)]);
  for (const a of audits) {
    const data = (typeof a.data === 'string' ? JSON.parse(a.data) : a.data) as { from?: string | null; to?: string };
    if (!data?.to) continue; // alerts and investigation flags are not transitions
    audited.set(a.entity_id, [...(audited.get(a.entity_id) ?? []), transitionKey(a.action.replace(/^payment\./, ''), data.from, data.to)]);
  }
  for (const payment of payments) {
    const chain = events.filter((e) => e.payment_id === payment.id);
    if (chain[0]?.from_status !== null || chain[0]?.to_status !== 'pending') add('audit_log', payment.number, 'history does not start with the submission');
    for (let i = 1; i < chain.length; i++) {
      if (chain[i]!.from_status !== chain[i - 1]!.to_status) add('audit_log', payment.number, `history jumps from ${chain[i - 1]!.to_status} to a transition out of ${chain[i]!.from_status}`);
    }
    if (chain.at(-1)?.to_status !== payment.status) add('audit_log', payment.number, `history ends at ${chain.at(-1)?.to_status}, payment is ${payment.status}`);
    const expected = [...(chains.get(payment.id) ?? [])].sort();
    const recorded = [...(audited.get(payment.id) ?? [])].sort();
    const missing: string[] = [];
    for (const key of expected) {
      const at = recorded.indexOf(key);
      if (at === -1) missing.push(key);
      else recorded.splice(at, 1);
    }
    if (missing.length > 0) add('audit_log', payment.number, `transitions without an audit entry: ${missing.join(', ')}`);
    if (recorded.length > 0) add('audit_log', payment.number, `audit entries without a transition: ${recorded.join(', ')}`);
  }

  // 7. Every settlement posted, and the product's own three-way reconciliation agrees.
  const settlements = await db('settlements').where({ dealer_id: book.dealerId }).select('id', 'number', 'status', 'payment_count');
  counts.settlements = settlements.length;
  for (const settlement of settlements) {
    if (!['posted', 'resolved'].includes(settlement.status)) add('settlement', settlement.number, `settlement is ${settlement.status}`);
    const report = await book.operator.get(`/api/operator/settlements/${settlement.id}/reconciliation`);
    if (report.status !== 200) add('settlement', settlement.number, `reconciliation answered HTTP ${report.status}`);
    else if (!report.body.agrees) add('settlement', settlement.number, `reconciliation: ${JSON.stringify(report.body.differences).slice(0, 400)}`);
  }
  // 8. Every email the product wrote was sent, and arrived once (a resend after a crash carries the same Message-ID).
  const outbox: Array<{ id: string; status: string; message_id: string | null; attempts: number }> = await db('email_outbox').where({ dealer_id: book.dealerId }).select('id', 'status', 'message_id', 'attempts');
  const arrived = new Map<string, number>();
  for (const message of after.mail) if (message.messageId) arrived.set(message.messageId, (arrived.get(message.messageId) ?? 0) + 1);
  for (const row of outbox) {
    if (row.status !== 'sent') add('email', row.id, `email is ${row.status} after ${row.attempts} attempts`);
    else if (!row.message_id || !arrived.has(row.message_id)) add('email', row.id, `marked sent as ${row.message_id}, never arrived`);
  }
  const ours = new Set(outbox.map((row) => row.message_id));
  const strangers = [...arrived.keys()].filter((id) => !ours.has(id));
  if (strangers.length > 0) add('email', 'sink', `${strangers.length} messages arrived that no outbox row sent`);
  const email = {
    outbox: outbox.length,
    sent: outbox.filter((row) => row.status === 'sent').length,
    deliveries: after.mail.length,
    delivered_distinct: arrived.size,
    delivered_twice: [...arrived.values()].filter((n) => n > 1).length,
  };
  return { discrepancies: found, counts, email };
}
