import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/connection';
import {
  exportPaymentRows, findPaymentDetail, isDealerPayment, listPaymentRows, paymentVolumeByDay, type PaymentListFilter,
} from '../../db/payment-queries';
import { centsToDecimal } from '../../domain/money';
import { takesDecision } from '../../domain/failure-decision';
import { canRefund, operatorActions, type PaymentStatus } from '../../domain/payment-status';
import {
  disputeEvidenceBody, paymentFilter as filterSchema, reasonBody, refundBody, releaseBody, resolveDisputeBody as resolveBody,
} from '../../contracts/operator/payments';
import { disputesOfPayment, recordDisputeEvidence } from '../../db/payment-disputes';
import { refundOfRequest, reversalsOfPayment } from '../../db/payment-reversals';
import { operatorNames } from '../../db/operators';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { refundPayment, runPaymentAction, type PaymentAction } from '../../workflows/payment-client';
import { listParams, sendList } from '../simple-rest';
import { body } from '../validate';
import { sendCsv } from './csv';
import { asArray, parseFilter, routeId } from './list-helpers';

const EXPORT_PAGE_ROWS = 1000;

/**
 * Incoming Payments: the list reads the PostgreSQL read model (never Temporal); review
 * actions go to the payment's workflow as updates, whose validators refuse illegal moves.
 */

/** Whether a row still waits for an operator's decision; computed here so list and detail agree. */
const withDecisionState = <Row extends { status: string; decision_outcome: string | null }>(row: Row) => ({ ...row, needs_decision: takesDecision(row.status as PaymentStatus) && row.decision_outcome == null });

function listFilter(rawFilter: Record<string, unknown>): PaymentListFilter {
  const filter = parseFilter(filterSchema, rawFilter);
  return {
    ids: filter.id ? asArray(filter.id) : undefined,
    q: filter.q,
    statuses: filter.status ? asArray(filter.status) : undefined,
    method: filter.method,
    customerAccountId: filter.customer_account_id,
    settlementId: filter.settlement_id,
    needsInvestigation: filter.needs_investigation,
    needsAttention: filter.needs_attention,
    needsDecision: filter.needs_decision,
    submittedGte: filter.submitted_gte,
    submittedLte: filter.submitted_lte,
    amountGte: filter.amount_gte,
    amountLte: filter.amount_lte,
  };
}

export function paymentRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();

  router.get('/payments', async (req, res) => {
    const operator = operatorOf(req);
    const params = listParams(req, { sort: { field: 'submitted_at', order: 'DESC' } });
    const { rows, total } = await listPaymentRows(db, operator.dealerId, listFilter(params.filter), params);
    sendList(res, 'payments', rows.map(withDecisionState), params.range, total);
  });

  router.get('/payments/volume', async (req, res) => {
    const operator = operatorOf(req);
    const days = z.coerce.number().int().min(1).max(366).default(30).parse(req.query.days ?? undefined);
    const rows = await paymentVolumeByDay(db, operator.dealerId, days);
    res.json(rows.map((row) => ({ day: String(row.day).slice(0, 10), amountCents: row.amount_cents, count: row.count })));
  });

  router.get('/payments/export.csv', async (req, res) => {
    const operator = operatorOf(req);
    const params = listParams(req, { sort: { field: 'submitted_at', order: 'DESC' } });
    const filter = listFilter(params.filter);
    async function* rows() {
      for await (const row of exportPaymentRows(db, operator.dealerId, filter, EXPORT_PAGE_ROWS)) {
        yield [row.number, row.payer, row.account_name, row.erp_account_id, row.method, row.status, centsToDecimal(Number(row.amount_cents)),
          centsToDecimal(Number(row.fee_cents)), centsToDecimal(Number(row.discount_cents)), new Date(row.submitted_at).toISOString(), row.settled_at ? new Date(row.settled_at).toISOString() : ''];
      }
    }
    await sendCsv(res, 'payments.csv', ['payment', 'payer', 'account', 'account_id', 'method', 'status', 'amount', 'fee', 'discount', 'submitted_at', 'settled_at'], rows());
  });

  router.get('/payments/:id', async (req, res) => {
    const operator = operatorOf(req);
    res.json(await paymentDetail(db, operator.dealerId, routeId(req.params.id, 'Payment'), config.TEMPORAL_UI_URL, config.TEMPORAL_NAMESPACE, operator.role));
  });

  // Every review action goes through runPaymentAction, whose one mapping turns any refusal into a 409.
  const action = (path: PaymentAction, schema: z.ZodType<{ reason?: string; outcome?: 'upheld' | 'refunded' }>) => {
    router.post(`/payments/:id/${path}`, async (req, res) => {
      const operator = operatorOf(req);
      const id = routeId(req.params.id, 'Payment');
      if (!(await isDealerPayment(db, operator.dealerId, id))) throw notFound('Payment');
      const payload = body(req, schema);
      const request = { actorId: operator.id, reason: payload.reason };
      if (path === 'resolve-dispute') await runPaymentAction(temporal, id, 'resolve-dispute', { ...request, outcome: payload.outcome! });
      else await runPaymentAction(temporal, id, path, request);
      res.json(await paymentDetail(db, operator.dealerId, id, config.TEMPORAL_UI_URL, config.TEMPORAL_NAMESPACE, operator.role));
    });
  };
  action('freeze', reasonBody);
  action('release', releaseBody);
  action('terminate', reasonBody);
  action('dispute', reasonBody);
  action('resolve-dispute', resolveBody);

  // Money goes back to the customer: an admin's decision, with a reason, keyed by the console's request id.
  router.post('/payments/:id/refund', requireRole('admin'), async (req, res) => {
    const operator = operatorOf(req);
    const id = routeId(req.params.id, 'Payment');
    if (!(await isDealerPayment(db, operator.dealerId, id))) throw notFound('Payment');
    const payload = body(req, refundBody);
    // The same request again (a lost answer, a double click) answers with the refund it made,
    // not with a refusal from the payment's state since.
    if (!(await refundOfRequest(db, id, payload.request_id))) await refundPayment(db, temporal, config, id, {
      actorId: operator.id, reason: payload.reason, requestId: payload.request_id, amountCents: payload.amount_cents,
      items: payload.items?.map((item) => ({ applicationId: item.application_id, amountCents: item.amount_cents })),
    });
    res.json(await paymentDetail(db, operator.dealerId, id, config.TEMPORAL_UI_URL, config.TEMPORAL_NAMESPACE, operator.role));
  });

  router.put('/payments/:id/disputes/:disputeId/evidence', async (req, res) => {
    const operator = operatorOf(req);
    const id = routeId(req.params.id, 'Payment');
    if (!(await isDealerPayment(db, operator.dealerId, id))) throw notFound('Payment');
    const payload = body(req, disputeEvidenceBody);
    const disputeId = routeId(req.params.disputeId, 'Dispute');
    if (!(await disputesOfPayment(db, id)).some((dispute) => dispute.id === disputeId)) throw notFound('Dispute');
    await db.transaction((trx) => recordDisputeEvidence(trx, { disputeId, dealerId: operator.dealerId, operatorId: operator.id, notes: payload.notes }));
    res.json(await paymentDetail(db, operator.dealerId, id, config.TEMPORAL_UI_URL, config.TEMPORAL_NAMESPACE, operator.role));
  });

  return router;
}

export async function paymentDetail(db: Db, dealerId: string, id: string, temporalUiUrl: string, namespace: string, role?: string) {
  const detail = await findPaymentDetail(db, dealerId, id);
  if (!detail) throw notFound('Payment');
  const { payment, applications, events, posted, decisions } = detail;
  const status = payment.status as PaymentStatus;
  const [disputes, reversals] = await Promise.all([disputesOfPayment(db, id), reversalsOfPayment(db, id)]);
  const names = await operatorNames(db, dealerId, [...disputes.map((dispute) => dispute.evidence_by), ...reversals.map((reversal) => reversal.actorId)]);
  const refundable = canRefund(status) && role === 'admin' && Number(payment.amount_cents) > Number(payment.reversed_cents);
  return {
    ...withDecisionState(payment),
    /** Every decision recorded on this payment, newest first; superseded ones answered an earlier status. */
    decisions,
    applications: applications.map((row) => ({
      id: row.id, type: row.item_type, amountCents: row.amount_cents, reversedCents: Number(row.reversed_cents), state: row.state, documentId: row.document_uuid,
      documentNumber: row.invoice_number ?? row.adjustment_number ?? row.statement_number, appliedToInvoiceNumber: row.applied_to_invoice_number,
    })),
    reversed_cents: Number(payment.reversed_cents),
    disputes: disputes.map((dispute) => ({
      id: dispute.id, processor_dispute_id: dispute.processor_dispute_id, amount_cents: Number(dispute.amount_cents), status: dispute.status, phase: dispute.phase,
      network_reason_code: dispute.network_reason_code, network_reason: dispute.network_reason, respond_by: dispute.respond_by, evidence_notes: dispute.evidence_notes,
      evidence_by: dispute.evidence_by ? names.get(dispute.evidence_by) ?? null : null, evidence_at: dispute.evidence_at, opened_at: dispute.opened_at, decided_at: dispute.decided_at,
    })),
    reversals: reversals.map((reversal) => ({
      id: reversal.id, kind: reversal.kind, amount_cents: reversal.amountCents, reason: reversal.reason, return_code: reversal.returnCode,
      actor_name: reversal.actorId ? names.get(reversal.actorId) ?? null : null, processor_status: reversal.processorStatus, created_at: reversal.createdAt,
      items: reversal.items.map((item) => ({ application_id: item.applicationId, type: item.itemType, document_number: item.number, amount_cents: item.amountCents })),
    })),
    timeline: events,
    actions: [...operatorActions(status, { posted }), ...(refundable ? ['refund' as const] : [])],
    workflowUrl: `${temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(payment.workflow_id)}`,
  };
}

