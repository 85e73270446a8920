import { Router } from 'express';
import { recordAudit } from '../../db/audit';
import { insertFailureDecision, lockPaymentForDecision, standingDecision } from '../../db/failure-decisions';
import { DECISION_OUTCOME_LABELS, takesDecision } from '../../domain/failure-decision';
import { PAYMENT_STATUS_LABELS } from '../../domain/payment-status';
import { failureDecisionBody as decisionBody } from '../../contracts/operator/payments';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { conflict, notFound } from '../errors';
import { body } from '../validate';
import { routeId } from './list-helpers';
import { paymentDetail } from './payments';

const UNIQUE_VIOLATION = '23505';

/**
 * Recording what the AR team decided about a failed, returned or disputed payment. The
 * decision sits beside the payment and never moves it: status stays the workflow's. The
 * payment row is locked while the decision is written, so a status change (which locks it too)
 * cannot slip between the check and the insert and leave a decision on a status it never saw.
 */
export function failureDecisionRoutes({ db, config }: AppDeps): Router {
  const router = Router();

  router.post('/payments/:id/failure-decision', async (req, res) => {
    const operator = operatorOf(req);
    const id = routeId(req.params.id, 'Payment');
    await db.transaction(async (trx) => {
      const payment = await lockPaymentForDecision(trx, operator.dealerId, id);
      if (!payment) throw notFound('Payment');
      const { outcome, note } = body(req, decisionBody);
      const status = payment.status;
      if (!takesDecision(status)) {
        throw conflict('no_decision_needed', `Payment ${payment.number} is ${PAYMENT_STATUS_LABELS[status].toLowerCase()}; only failed, returned or disputed payments take a decision.`);
      }
      const standing = await standingDecision(trx, operator.dealerId, id);
      if (standing) throw alreadyDecided(payment.number, standing);
      try {
        await insertFailureDecision(trx, operator.dealerId, { paymentId: id, paymentStatus: status, outcome, note: note ?? null, operatorId: operator.id });
      } catch (error) {
        // The row lock makes this unreachable today; the unique index stays the guarantee if that lock goes.
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw conflict('already_decided', `A decision on payment ${payment.number} has just been recorded by someone else.`);
        throw error;
      }
      await recordAudit(trx, {
        dealerId: operator.dealerId,
        actorKind: 'operator',
        actorId: operator.id,
        action: 'payment.failure_decided',
        entityType: 'payment',
        entityId: id,
        data: { number: payment.number, status, outcome, ...(note ? { note } : {}), customer_account_id: payment.customer_account_id },
      });
    });
    res.json(await paymentDetail(db, operator.dealerId, id, config.TEMPORAL_UI_URL, config.TEMPORAL_NAMESPACE));
  });

  return router;
}

function alreadyDecided(number: string, standing: { outcome: keyof typeof DECISION_OUTCOME_LABELS; name: string }) {
  return conflict('already_decided', `A decision on payment ${number} was already recorded by ${standing.name}: ${DECISION_OUTCOME_LABELS[standing.outcome]}.`);
}
