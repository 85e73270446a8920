import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import type { Config } from '../runtime/config';
import type { PaymentProcessor } from '../integrations/payment-processor';
import type { Logger } from '../runtime/logger';
import { createAccountStatsActivities } from './account-stats';
import { createAuditActivities } from './audit';
import { createClusterSweepActivities } from './cluster-sweep';
import { createGlPostingActivities } from './gl-posting';
import { createHousekeepingActivities } from './housekeeping';
import { createIngestActivities } from './ingest';
import { createInvitationActivities } from './invitations';
import { createLienWaiverActivities } from './lien-waivers';
import { createPaymentAftermathActivities } from './payment-aftermath';
import { createPaymentNoticeActivities } from './payment-notices';
import { createPaymentActivities } from './payments';
import { createReminderActivities } from './reminders';
import { createScheduledPaymentActivities } from './scheduled-payments';
import { createAutopayActivities } from './autopay';
import { createPaymentApprovalActivities } from './payment-approvals';
import { createReturnedPaymentFeeActivities } from './returned-payment-fee';
import { createCreditHoldActivities } from './credit-holds';
import { createSettlementActivities } from './settlements';
import { createSpruceSyncActivities } from './spruce-sync';
import { createTransferRecheckActivities } from './transfer-recheck';
import { createWebhookDeliveryActivities } from './webhook-delivery';

/** What activities need from the outside world; tests pass real instances pointed at emulators. */
export interface ActivityDeps {
  db: Db;
  logger: Logger;
  config: Config;
  /** For activities that start or signal other workflows (provided by worker/create-worker.ts). */
  temporal: Client;
  /** The task queue this worker serves; workflows started by activities go to the same one. */
  taskQueue: string;
  /** The card/ACH processor; built from configuration when not given. */
  processor?: PaymentProcessor;
}

/**
 * Activities are built by factories (one file per area) so each process (worker, test)
 * injects its own connections; workflows only ever see their types (`import type`).
 */
export function createActivities(deps: ActivityDeps) {
  const settlementActivities = createSettlementActivities(deps);
  const payments = createPaymentActivities({ ...deps, settlementActivities });
  return {
    ...createAuditActivities(deps),
    ...createAccountStatsActivities(deps),
    ...createIngestActivities(deps),
    ...createInvitationActivities(deps),
    ...payments,
    ...createPaymentAftermathActivities({ ...deps, payments, settlements: settlementActivities }),
    ...createPaymentNoticeActivities(deps),
    ...createReturnedPaymentFeeActivities(deps),
    ...createCreditHoldActivities(deps),
    ...settlementActivities,
    ...createGlPostingActivities(deps),
    ...createSpruceSyncActivities(deps),
    ...createHousekeepingActivities(deps),
    ...createClusterSweepActivities(deps),
    ...createTransferRecheckActivities(deps),
    ...createLienWaiverActivities(deps),
    ...createWebhookDeliveryActivities(deps),
    ...createReminderActivities(deps),
    ...createScheduledPaymentActivities(deps),
    ...createAutopayActivities(deps),
    ...createPaymentApprovalActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
