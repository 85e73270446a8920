import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ActivityDeps } from '.';
import { FailureType } from './errors';
import { completeAutoCategory, finishPostingRun, recordRunState, settlementSpruceConnection, startPostingRun } from '../db/gl-posting';
import { countPendingInSlice, lineCounts, nextPendingLines, recordLineResults, type LineResult, type LineSlice, type PostableLine } from '../db/gl-lines';
import { refreshStatus } from '../db/settlements';
import type { SettlementCategory, SettlementStatus } from '../domain/settlement';
import { shortPayMemo } from '../domain/short-pay';
import { SpruceClientError, spruceClientFor, SpruceRejectedError, SpruceUnavailableError, type GlLine } from '../integrations/spruce';
import { glPostingWorkflowId, postingChangedSignal, type CategoryProgress } from '../workflows/settlement-definitions';

/**
 * Auto-post to Spruce, one batch of lines per activity call. Every line carries its own
 * idempotency key, so an attempt repeated after a crash, a timeout or an outage only makes
 * Spruce answer again with the postings it already made. Spruce being down is an ordinary,
 * retryable failure (type SpruceUnavailable) that the workflow waits out.
 */

/** Lines per request to Spruce's batch endpoint (it takes up to 500). */
const REQUEST_LINES = 250;

export function createGlPostingActivities(deps: ActivityDeps) {
  const { db } = deps;

  const spruceFor = async (settlementId: string) => {
    const row = await settlementSpruceConnection(db, settlementId);
    if (!row) throw ApplicationFailure.nonRetryable(`settlement ${settlementId} not found`, FailureType.NonRetryable);
    if (row.integration_mode !== 'spruce' || !row.spruce_base_url || !row.spruce_tenant_id) {
      throw ApplicationFailure.nonRetryable('This dealer has no Spruce connection; post the settlement with the posting file instead.', FailureType.SpruceClientError);
    }
    return { settlement: row, client: spruceClientFor({ ...row, spruce_base_url: row.spruce_base_url, spruce_tenant_id: row.spruce_tenant_id }, deps.config.DATA_ENCRYPTION_KEY) };
  };

  const progressOf = async (settlementId: string): Promise<CategoryProgress[]> => lineCounts(db, settlementId);

  return {
    /** Marks the run as going (whoever started it) and returns the lines to do per category. */
    async beginGlPosting({ settlementId, startedBy }: { settlementId: string; startedBy: string | null }): Promise<CategoryProgress[]> {
      await db.transaction(async (trx) => {
        const started = await startPostingRun(trx, { settlementId, workflowId: glPostingWorkflowId(settlementId), startedBy });
        if (!started) throw ApplicationFailure.nonRetryable(`settlement ${settlementId} not found`, FailureType.NonRetryable);
      });
      return progressOf(settlementId);
    },

    /**
     * Posts up to `batchSize` pending lines of one category's slice; returns the category's
     * counts and what is left in the slice.
     */
    async postGlBatch({ settlementId, category, batchSize, slice }: { settlementId: string; category: SettlementCategory; batchSize: number; slice: LineSlice }): Promise<{ counts: CategoryProgress; remaining: number }> {
      const context = Context.current();
      const { settlement, client } = await spruceFor(settlementId);
      const lines = await nextPendingLines(db, settlementId, category, batchSize, slice);
      let recovered = false;
      // Reversals whose originals another auto-post is still sending: left pending, tried again.
      const waiting: string[] = [];
      for (let start = 0; start < lines.length; start += REQUEST_LINES) {
        // A cancelled attempt (worker shutting down) stops between requests; whatever Spruce
        // already took is replayed under the same keys by the next attempt.
        if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
        const chunk = lines.slice(start, start + REQUEST_LINES);
        const results: LineResult[] = [];
        const sendable: Array<{ line: PostableLine; body: GlLine }> = [];
        for (const line of chunk) {
          const built = glLineBody(line, settlement.number);
          if ('refusal' in built) results.push({ id: line.id, outcome: 'rejected', reason: built.refusal });
          else if ('wait' in built) waiting.push(built.wait);
          else sendable.push({ line, body: built.body });
        }
        if (sendable.length > 0) {
          let answers;
          try {
            answers = await client.postGlLines(sendable.map(({ line, body }) => ({ idempotencyKey: line.idempotency_key, line: body })));
          } catch (error) {
            await recordLineResults(db, results);
            if (error instanceof SpruceUnavailableError) {
              await recordRunState(db, settlementId, { currentCategory: category, waitingForErp: true, lastError: error.message });
            }
            throw toActivityFailure(error);
          }
          answers.forEach((answer, index) => {
            const line = sendable[index]!.line;
            results.push(answer.ok
              ? { id: line.id, outcome: 'posted', erpPostingId: answer.posting.id }
              : { id: line.id, outcome: 'rejected', reason: `Spruce refused the line: ${answer.error.message} (${answer.error.code})` });
          });
        }
        await recordLineResults(db, results);
        if (!recovered) {
          await recordRunState(db, settlementId, { currentCategory: category, waitingForErp: false, lastError: null });
          recovered = true;
        }
        context.heartbeat({ category, done: start + chunk.length });
      }
      if (waiting.length > 0) {
        // Retryable: the workflow waits and tries again, as it does while Spruce is down.
        throw ApplicationFailure.create({ type: FailureType.OriginalNotPosted, message: `${waiting.length} reversal line(s) wait for their originals: ${waiting[0]}`, nonRetryable: false });
      }
      const counts = (await progressOf(settlementId)).find((row) => row.category === category)!;
      // Every line taken was answered (or this threw), so a short batch emptied the slice.
      return { counts, remaining: lines.length < batchSize ? 0 : await countPendingInSlice(db, settlementId, category, slice) };
    },

    async completeGlCategory({ settlementId, category, postedBy }: { settlementId: string; category: SettlementCategory; postedBy: string | null }): Promise<CategoryProgress> {
      const { counts } = await db.transaction((trx) => completeAutoCategory(trx, { settlementId, category, postedBy, now: new Date() }));
      return counts;
    },

    async recordGlPostingState(input: { settlementId: string; currentCategory?: SettlementCategory | null; waitingForSpruce?: boolean; lastError?: string | null }): Promise<void> {
      await recordRunState(db, input.settlementId, { currentCategory: input.currentCategory, waitingForErp: input.waitingForSpruce, lastError: input.lastError });
    },

    /** Ends the run and tells the settlement workflow, which moves on and notifies the payments. */
    async finishGlPosting({ settlementId, outcome, lastError }: { settlementId: string; outcome: 'completed' | 'failed'; lastError?: string | null }): Promise<{ status: SettlementStatus }> {
      const settlement = await db.transaction(async (trx) => {
        await finishPostingRun(trx, settlementId, outcome, lastError ?? null);
        return refreshStatus(trx, settlementId);
      });
      // The settlement workflow moves on and signals the posted payments.
      await deps.temporal.workflow.getHandle(settlement.workflow_id).signal(postingChangedSignal, {}).catch(() => undefined);
      return { status: settlement.status };
    },
  };
}

/**
 * What Spruce needs for one line, or why the line cannot be sent. Built only from stored
 * values, so a retry sends a byte-identical body under the same key.
 */
export function glLineBody(line: PostableLine, settlementNumber: string): { body: GlLine } | { refusal: string } | { wait: string } {
  const common = {
    account_id: line.erp_account_id,
    amount_cents: Math.abs(line.amount_cents),
    posting_date: line.posting_date,
    payment_reference: line.payment_number,
  };
  if (line.line_type !== 'reversal') {
    return {
      body: {
        ...common,
        type: line.line_type,
        job_id: line.erp_job_id,
        document_id: line.document_id,
        ...(line.line_type === 'credit_application' ? { applied_document_id: line.applied_document_id } : {}),
        ...(line.line_type === 'statement_discount' || line.line_type === 'terms_discount' ? { gl_account: line.gl_account } : {}),
        memo: line.short_pay_reason
          ? shortPayMemo(`Drypowder settlement ${settlementNumber}, payment ${line.payment_number}`, line.short_pay_reason, line.short_pay_note)
          : `Drypowder settlement ${settlementNumber}, payment ${line.payment_number}`,
      },
    };
  }
  if (line.original_status === 'posted' && line.original_erp_posting_id) {
    return { body: { ...common, type: 'reversal', reverses_posting_id: line.original_erp_posting_id, memo: `Return of payment ${line.payment_number} (settlement ${settlementNumber})` } };
  }
  if (line.original_status === 'posted') {
    return { refusal: `The line this reverses (${line.document_id}) was posted by hand from the posting file; post the reversal by hand as well, then mark the category posted.` };
  }
  if (line.original_status === 'rejected') {
    return { refusal: `The line this reverses (${line.document_id}) never reached Spruce (${line.original_rejected_reason ?? 'refused'}); there is nothing to reverse.` };
  }
  if (line.original_posting_running) {
    // A return that arrived while its own settlement was being posted: that post answers the original shortly.
    return { wait: `the line this reverses (${line.document_id}) is being posted with settlement ${line.original_settlement_number}` };
  }
  return { refusal: `The line this reverses (${line.document_id}) is on settlement ${line.original_settlement_number}, which is not posted yet; post that settlement first, then retry this line.` };
}

function toActivityFailure(error: unknown): ApplicationFailure {
  if (error instanceof SpruceUnavailableError) {
    return ApplicationFailure.create({ type: FailureType.SpruceUnavailable, message: error.message, nonRetryable: false });
  }
  if (error instanceof SpruceClientError || error instanceof SpruceRejectedError) {
    return ApplicationFailure.create({ type: FailureType.SpruceClientError, message: error.message, nonRetryable: true });
  }
  return error instanceof ApplicationFailure ? error : ApplicationFailure.create({ message: error instanceof Error ? error.message : String(error), type: FailureType.PostingError });
}
