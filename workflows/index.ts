// Every workflow the worker registers. Workflow code is bundled and run in Temporal's
// deterministic sandbox, so what it reaches from here may import only `domain/`,
// `@temporalio/workflow`, `@temporalio/common` and `activities/errors.ts` (the failure
// vocabulary, constants only), plus types from anywhere. The `*-client.ts` modules beside the
// definitions use @temporalio/client and the database: never import them from workflow code
// (test/workflow-sandbox.test.ts walks the imports from here).
export { noopWorkflow } from './noop';
export { paymentWorkflow } from './payment';
export { invitationWorkflow } from './invitation';
export { settlementWorkflow } from './settlement';
export { glPostingWorkflow } from './gl-posting';
export { ingestWorkflow } from './ingest';
export { spruceSyncWorkflow } from './spruce-sync';
export { agingRefreshWorkflow } from './aging-refresh';
export { paymentAftermathWorkflow } from './payment-aftermath';
export { housekeepingWorkflow } from './housekeeping';
export { clusterSweepWorkflow } from './cluster-sweep';
export { transferRecheckWorkflow } from './transfer-recheck';
export { lienWaiverReleaseWorkflow } from './lien-waiver-release';
export { webhookDeliveryWorkflow } from './webhook-delivery';
export { remindersWorkflow } from './reminders';
export { scheduledPaymentWorkflow } from './scheduled-payment';
export { autopayWorkflow } from './autopay';
export { paymentApprovalWorkflow } from './payment-approval';
