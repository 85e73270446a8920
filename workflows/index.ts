// Every workflow the worker registers. Workflow code is bundled and run in Temporal's
// deterministic sandbox: only `domain/` and `@temporalio/workflow` may be imported from here.
export { noopWorkflow } from './noop';
export { paymentWorkflow } from './payment';
export { invitationWorkflow } from './invitation';
export { settlementWorkflow } from './settlement';
export { glPostingWorkflow } from './gl-posting';
export { ingestWorkflow } from './ingest';
export { spruceSyncWorkflow } from './spruce-sync';
export { agingRefreshWorkflow } from './aging-refresh';
