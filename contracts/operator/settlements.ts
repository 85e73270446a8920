import { z } from 'zod';
import { LINE_TYPES, SETTLEMENT_CATEGORIES } from '../../domain/settlement';
import { calendarDate, cents, count, day, id, idFilter, instant, oneOrMany, timestamp } from '../fields';

/**
 * The Settlements tab: list and detail, lines, close early, the posting wizard (auto-post and
 * its progress, manual "mark posted" per category), Resolve, the posting file and summary CSV,
 * and the reconciliation report.
 */

export const SETTLEMENT_STATUSES = ['open', 'ready', 'partially_posted', 'posted', 'resolved'] as const;
export const settlementStatus = z.enum(SETTLEMENT_STATUSES);
export type SettlementStatus = z.infer<typeof settlementStatus>;
export const settlementCategory = z.enum(SETTLEMENT_CATEGORIES);
export type Category = z.infer<typeof settlementCategory>;
export { LINE_TYPES };
export const LINE_STATUSES = ['pending', 'posted', 'rejected'] as const;

export const settlementFilter = z.object({
  id: idFilter.optional(),
  status: oneOrMany(settlementStatus).optional(),
  q: z.string().max(100).optional(),
  business_date_gte: calendarDate.optional(),
  business_date_lte: calendarDate.optional(),
  unresolved: z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]).optional(),
});

export const lineFilter = z.object({
  category: settlementCategory.optional(),
  status: oneOrMany(z.enum(LINE_STATUSES)).optional(),
  line_type: oneOrMany(z.enum(LINE_TYPES)).optional(),
});

export const markPostedBody = z.object({ postedAt: instant.optional() });
export const autoPostBody = z.object({ retryRejected: z.boolean().optional() });

const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((value) => ['true', '1', 'yes'].includes(value));
export const postingFileQuery = z.object({
  header: flag.optional(),
  category: settlementCategory.optional(),
  lines: z.enum(['unposted', 'all']).optional(),
});
export const summaryCsvQuery = z.object({ header: flag.optional() });

export const CATEGORY_STATES = ['empty', 'unposted', 'posting', 'posted'] as const;

export const categoryState = z.strictObject({
  status: z.enum(CATEGORY_STATES),
  line_count: count,
  amount_cents: cents,
  posted_at: timestamp.nullable(),
  post_method: z.enum(['auto', 'manual']).nullable(),
  posted_by: id.nullable(),
  posted_by_name: z.string().nullable(),
});
export type CategoryState = z.infer<typeof categoryState>;

export const settlementRow = z.strictObject({
  id,
  number: z.string(),
  business_date: day,
  /** 1 for the day's first settlement; 2, 3, … after early closes that day. */
  sequence: z.number().int(),
  created_at: timestamp,
  status: settlementStatus,
  payment_count: count,
  gross_cents: cents,
  fee_cents: cents,
  net_cents: cents,
  closes_at: timestamp,
  closed_at: timestamp.nullable(),
  resolved_at: timestamp.nullable(),
  resolved_by: id.nullable(),
  resolved_by_name: z.string().nullable(),
  workflow_id: z.string(),
  categories: z.strictObject(Object.fromEntries(SETTLEMENT_CATEGORIES.map((category) => [category, categoryState.nullable()])) as Record<Category, z.ZodNullable<typeof categoryState>>),
});
export type SettlementRow = z.infer<typeof settlementRow>;

export const settlementPayment = z.strictObject({
  id,
  number: z.string(),
  customer_account_id: id,
  account_name: z.string(),
  erp_account_id: z.string(),
  method: z.enum(['ach', 'card']),
  status: z.string(),
  amount_cents: cents,
  fee_cents: cents,
  processing_cost_cents: cents.nullable(),
  items_cents: cents,
  credits_cents: cents,
  discount_cents: cents,
  submitted_at: timestamp,
  settled_at: timestamp.nullable(),
  returned_at: timestamp.nullable(),
  moov_transfer_id: z.string().nullable(),
  /** A member of this batch (false: only its reversal is handled here). */
  member: z.boolean(),
  /** Its return is reversed on this batch. */
  reversed_here: z.boolean(),
});
export type SettlementPayment = z.infer<typeof settlementPayment>;

export const glLine = z.strictObject({
  id,
  category: settlementCategory,
  line_type: z.enum(LINE_TYPES),
  document_type: z.string(),
  erp_account_id: z.string(),
  erp_job_id: z.string().nullable(),
  document_id: z.string().nullable(),
  applied_document_id: z.string().nullable(),
  gl_account: z.string().nullable(),
  amount_cents: cents,
  status: z.enum(LINE_STATUSES),
  rejected_reason: z.string().nullable(),
  erp_posting_id: z.string().nullable(),
  posted_at: timestamp.nullable(),
  idempotency_key: z.string(),
  payment_id: id,
  payment_number: z.string(),
  reverses_line_id: id.nullable(),
});
export type GlLine = z.infer<typeof glLine>;

export const lineCount = z.strictObject({ category: settlementCategory, total: count, posted: count, rejected: count, pending: count });
export type LineCount = z.infer<typeof lineCount>;

export const settlementDetail = settlementRow.extend({
  returned_cents: cents,
  line_counts: z.array(lineCount),
  line_total: count,
  payments: z.array(settlementPayment),
  lines: z.array(glLine),
});
export type SettlementDetail = z.infer<typeof settlementDetail>;

export const POSTING_STATES = ['idle', 'posting', 'waiting_for_spruce', 'failed', 'completed', 'completed_with_rejections'] as const;
export type PostingState = (typeof POSTING_STATES)[number];

export const postingProgress = z.strictObject({
  id,
  settlement_number: z.string(),
  settlement_status: settlementStatus,
  state: z.enum(POSTING_STATES),
  message: z.string(),
  current_step: z.union([settlementCategory, z.literal('starting')]).nullable(),
  waiting_for_spruce: z.boolean(),
  last_error: z.string().nullable(),
  last_error_at: timestamp.nullable(),
  started_at: timestamp.nullable(),
  finished_at: timestamp.nullable(),
  run_count: count,
  workflow_id: z.string().nullable(),
  totals: z.strictObject({ total: count, posted: count, rejected: count, pending: count }),
  percent: z.number().int().min(0).max(100),
  categories: z.array(lineCount.extend({ status: z.enum(CATEGORY_STATES), posted_at: timestamp.nullable() })),
  rejected_lines: z.array(z.strictObject({
    id, category: settlementCategory, line_type: z.enum(LINE_TYPES), document_id: z.string().nullable(), amount_cents: cents,
    rejected_reason: z.string().nullable(), payment_number: z.string(),
  })),
});
export type PostingProgress = z.infer<typeof postingProgress>;

/** 202 when a run started or was joined, 200 when there was nothing to post. */
export const autoPostAnswer = z.strictObject({
  started: z.boolean(),
  workflowId: z.string().optional(),
  reason: z.literal('nothing_to_post').optional(),
  progress: postingProgress,
});
export type AutoPostAnswer = z.infer<typeof autoPostAnswer>;

// ---- Reconciliation ---------------------------------------------------------------------

const side = <T extends z.ZodRawShape>(shape: T) =>
  z.union([z.strictObject({ available: z.literal(true), ...shape }), z.strictObject({ available: z.literal(false), reason: z.string() })]);

export const reconciliationQuery = z.object({ date: calendarDate });

export const reconciliationReport = z.strictObject({
  settlements: z.array(z.strictObject({
    id, number: z.string(), business_date: day, status: settlementStatus, payment_count: count, gross_cents: cents, fee_cents: cents, net_cents: cents,
  })),
  drypowder: z.strictObject({
    paymentCount: count, collectedCents: cents, returnedCents: cents, lineCount: count, lineCashCents: cents, postedLineCount: count, postedCashCents: cents,
  }),
  processor: side({ transferCount: count, collectedCents: cents, returnedCents: cents }),
  erp: side({ postingCount: count, cashCents: cents }),
  differences: z.array(z.strictObject({
    kind: z.string(), paymentNumber: z.string(), key: z.string().optional(), drypowderCents: cents.optional(), otherCents: cents.optional(), message: z.string(),
  })),
  agrees: z.boolean(),
  summary: z.string(),
});
export type Reconciliation = z.infer<typeof reconciliationReport>;

/** The report for one business day carries the day too. */
export const dayReconciliationReport = reconciliationReport.extend({ date: day });
