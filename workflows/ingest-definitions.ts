import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Shared by the ingestion workflow and the API that starts and steers it. */
export const ingestWorkflowId = (runId: string) => `ingest-${runId}`;

export interface IngestWorkflowInput {
  runId: string;
  /** How long a validated upload waits for commit or cancel before it is cancelled. */
  decisionTimeoutMs?: number;
}

export type IngestDecision = 'commit' | 'cancel';
export type IngestPhase = 'validating' | 'awaiting_decision' | 'committing' | 'succeeded' | 'failed' | 'cancelled';

export interface IngestOutcome {
  runId: string;
  phase: Extract<IngestPhase, 'succeeded' | 'failed' | 'cancelled'>;
  message?: string;
}

export const ingestDecisionSignal = defineSignal<[{ decision: IngestDecision }]>('ingestDecision');
export const ingestPhaseQuery = defineQuery<IngestPhase>('ingestPhase');

export const DEFAULT_DECISION_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;
