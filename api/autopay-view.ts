import type { Enrolment } from '../contracts/portal/autopay';
import { accountNumbers as loadAccountNumbers, nextDebitDates, type EnrolmentRow } from '../db/autopay';
import type { Db } from '../db/connection';
import { scheduledMethodFacts } from '../db/scheduled-payments';
import { AUTOPAY_STATUS_LABELS, describeRule } from '../domain/autopay';
import { methodLabel } from '../domain/payment-method-label';

/** Enrolments as the portal and the console show them. */
export async function enrolmentViews(db: Db, rows: EnrolmentRow[]): Promise<Enrolment[]> {
  const ids = rows.map((row) => row.id);
  const [methods, cycles, accountNumbers] = await Promise.all([
    scheduledMethodFacts(db, rows.map((row) => row.payment_method_id)),
    nextDebitDates(db, ids),
    loadAccountNumbers(db, rows.map((row) => row.customer_account_id)),
  ]);
  return rows.map((row) => {
    const method = methods.get(row.payment_method_id);
    const cycle = cycles.get(row.id);
    return {
      id: row.id,
      status: row.status,
      statusLabel: AUTOPAY_STATUS_LABELS[row.status],
      attentionReason: row.attention_reason,
      dealerId: row.dealer_id,
      customerAccountId: row.customer_account_id,
      accountNumber: accountNumbers.get(row.customer_account_id) ?? '',
      rule: row.rule,
      ruleText: describeRule(row.rule, row.days_before_due),
      daysBeforeDue: row.days_before_due,
      maxAmountCents: row.max_amount_cents,
      noticeDays: row.notice_days,
      method: method?.kind === 'card' ? 'card' : 'ach',
      methodLabel: method ? methodLabel(method) : 'Payment method removed',
      accountMask: row.account_mask,
      accountHolderType: row.account_holder_type,
      authorizationVersion: row.authorization_version,
      authorizedAt: new Date(row.authorized_at).toISOString(),
      nextDebitDate: row.status === 'active' ? cycle?.nextDebitDate ?? null : null,
      lastPaymentId: cycle?.lastPaymentId ?? null,
      canceledAt: row.canceled_at ? new Date(row.canceled_at).toISOString() : null,
      createdAt: new Date(row.created_at).toISOString(),
    };
  });
}
