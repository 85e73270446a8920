import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * The per-dealer aging-refresh workflow's contract (workflow-safe). Aging moves with the
 * calendar even when no receivable changes, so every dealer's statistics are recomputed
 * shortly after midnight in the dealer's time zone.
 */
export const agingRefreshWorkflowId = (dealerId: string) => `aging-refresh-${dealerId}`;

export interface AgingRefreshInput {
  dealerId: string;
  /** Carried across continue-as-new so the state query keeps showing the last run. */
  lastRun?: AgingRefreshRun | null;
  /** A refresh requested just before continue-as-new is not lost. */
  refreshRequested?: boolean;
}

export interface AgingRefreshRun {
  finishedAt: string;
  asOf: string;
  accounts: number;
  medianBalanceCents: number | null;
}

export interface AgingRefreshState {
  dealerId: string;
  nextRunAt: string | null;
  running: boolean;
  lastRun: AgingRefreshRun | null;
}

/** Recompute now (e.g. after the dealer's time zone or priority scale changed). */
export const refreshNowSignal = defineSignal('refreshNow');
export const agingRefreshStateQuery = defineQuery<AgingRefreshState>('state');
