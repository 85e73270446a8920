import { defineQuery, defineSignal } from '@temporalio/workflow';
import { SETTLEMENT_CATEGORIES, type SettlementCategory, type SettlementStatus } from '../domain/settlement';

/**
 * The contract of the settlement and GL posting workflows, shared by the API, the activities
 * and the workflows themselves. Workflow-safe (no I/O).
 */

export { SETTLEMENT_CATEGORIES, type SettlementCategory, type SettlementStatus } from '../domain/settlement';

/** The order auto-post follows: invoices (with statement discounts), then credits, then debits. */
export const POSTING_ORDER: readonly SettlementCategory[] = SETTLEMENT_CATEGORIES;

/**
 * The first settlement of a dealer's business day keeps the id it always had; each one opened
 * after an early close on the same day carries its sequence (`…-2`, `…-3`).
 */
export const settlementWorkflowId = (dealerId: string, businessDate: string, sequence = 1) =>
  sequence === 1 ? `settlement-${dealerId}-${businessDate}` : `settlement-${dealerId}-${businessDate}-${sequence}`;
export const glPostingWorkflowId = (settlementId: string) => `gl-posting-${settlementId}`;

export interface SettlementWorkflowInput {
  settlementId: string;
  dealerId: string;
  businessDate: string;
  /** Which settlement of the business day this is (absent in workflows started before days had several: 1). */
  sequence?: number;
  /** The dealer's cutoff on the business date (ISO instant); the batch closes then. */
  closesAt: string;
}

export interface SettlementWorkflowState {
  settlementId: string;
  businessDate: string;
  sequence: number;
  status: SettlementStatus;
  closesAt: string;
  /** Distinct payments signalled as joined / left (the database holds the authoritative list). */
  joined: number;
  left: number;
}

/** A payment joined the batch (sent with signalWithStart by the addToSettlement activity). */
export const paymentJoinedSignal = defineSignal<[{ paymentId: string }]>('paymentJoined');
/** A frozen or terminated payment left the batch before it was posted. */
export const paymentLeftSignal = defineSignal<[{ paymentId: string }]>('paymentLeft');
/** An operator closes the batch before the cutoff. */
export const closeSettlementSignal = defineSignal<[{ actorId: string | null }]>('closeNow');
/**
 * Categories were posted: an auto-post run ended or an operator marked one posted by hand; the
 * settlement workflow then signals the payments either way. `notifyPayments` is no longer read
 * (auto-post runs once signalled the payments themselves and sent false).
 */
export const postingChangedSignal = defineSignal<[{ notifyPayments?: boolean }]>('postingChanged');
/** Marks GL-posting runs that leave "payments posted" to the settlement workflow. */
export const SETTLEMENT_NOTIFIES_POSTED_PAYMENTS_PATCH = 'settlement-notifies-posted-payments';
/** An operator resolved the settlement: the workflow's job is done. */
export const settlementResolvedSignal = defineSignal<[{ actorId: string }]>('resolved');
export const settlementStateQuery = defineQuery<SettlementWorkflowState>('state');

export interface GlPostingInput {
  settlementId: string;
  /** The operator who pressed Post; recorded as posted_by on the categories. */
  startedBy: string | null;
  /** Lines per activity call; each call heartbeats between Spruce requests. */
  batchSize: number;
  /** Batches of one category posted side by side (each takes a disjoint share of the lines). */
  lanes: number;
  /** Upper bound of the wait between attempts while Spruce is unreachable. */
  maxRetryDelayMs: number;
}

export interface CategoryProgress {
  category: SettlementCategory;
  total: number;
  posted: number;
  rejected: number;
  pending: number;
}

export interface GlPostingProgress {
  settlementId: string;
  step: 'starting' | SettlementCategory | 'finishing' | 'done';
  categories: CategoryProgress[];
  waitingForSpruce: boolean;
  lastError: string | null;
  attempts: number;
}

export const glPostingProgressQuery = defineQuery<GlPostingProgress>('progress');

export const DEFAULT_GL_BATCH_SIZE = 500;
export const DEFAULT_GL_LANES = 4;
export const DEFAULT_GL_MAX_RETRY_DELAY_MS = 10_000;
