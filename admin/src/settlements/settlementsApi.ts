import type { RaRecord } from 'react-admin';
import { httpClient } from '../httpClient';
import { API_URL } from '../session';

export const CATEGORIES = ['invoices', 'credit_adjustments', 'debit_adjustments'] as const;
export type Category = (typeof CATEGORIES)[number];
export type SettlementStatus = 'open' | 'ready' | 'partially_posted' | 'posted' | 'resolved';

export const CATEGORY_LABELS: Record<Category, string> = {
  invoices: 'Invoices',
  credit_adjustments: 'Credit adjustments',
  debit_adjustments: 'Debit adjustments',
};

export interface CategoryState {
  status: 'empty' | 'unposted' | 'posting' | 'posted';
  line_count: number;
  amount_cents: number;
  posted_at: string | null;
  post_method: 'auto' | 'manual' | null;
  posted_by: string | null;
  posted_by_name: string | null;
}

export interface SettlementRow extends RaRecord<string> {
  number: string;
  business_date: string;
  /** 1 for the day's first settlement; 2, 3, … after early closes that day. */
  sequence: number;
  created_at: string;
  status: SettlementStatus;
  payment_count: number;
  gross_cents: number;
  fee_cents: number;
  net_cents: number;
  closes_at: string;
  closed_at: string | null;
  resolved_at: string | null;
  resolved_by_name: string | null;
  workflow_id: string;
  categories: Record<Category, CategoryState | null>;
}

export interface SettlementPayment {
  id: string;
  number: string;
  customer_account_id: string;
  account_name: string;
  erp_account_id: string;
  method: 'ach' | 'card';
  status: string;
  amount_cents: number;
  fee_cents: number;
  processing_cost_cents: number;
  submitted_at: string;
  settled_at: string | null;
  returned_at: string | null;
  member: boolean;
  reversed_here: boolean;
}

export interface GlLine {
  id: string;
  category: Category;
  line_type: string;
  document_type: string;
  erp_account_id: string;
  erp_job_id: string | null;
  document_id: string | null;
  applied_document_id: string | null;
  gl_account: string | null;
  amount_cents: number;
  status: 'pending' | 'posted' | 'rejected';
  rejected_reason: string | null;
  erp_posting_id: string | null;
  posted_at: string | null;
  payment_id: string;
  payment_number: string;
}

export interface LineCount {
  category: Category;
  total: number;
  posted: number;
  rejected: number;
  pending: number;
}

export interface SettlementDetail extends SettlementRow {
  returned_cents: number;
  line_counts: LineCount[];
  line_total: number;
  payments: SettlementPayment[];
  lines: GlLine[];
}

export type PostingState = 'idle' | 'posting' | 'waiting_for_spruce' | 'failed' | 'completed' | 'completed_with_rejections';

export interface PostingProgress {
  id: string;
  settlement_number: string;
  settlement_status: SettlementStatus;
  state: PostingState;
  message: string;
  current_step: Category | 'starting' | null;
  waiting_for_spruce: boolean;
  last_error: string | null;
  last_error_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  run_count: number;
  workflow_id: string | null;
  totals: { total: number; posted: number; rejected: number; pending: number };
  percent: number;
  categories: Array<LineCount & { status: CategoryState['status']; posted_at: string | null }>;
  rejected_lines: Array<{ id: string; category: Category; line_type: string; document_id: string | null; amount_cents: number; rejected_reason: string | null; payment_number: string }>;
}

type Side<T> = ({ available: true } & T) | { available: false; reason: string };

/** `GET /settlements/:id/reconciliation`: the three systems' figures and every difference. */
export interface Reconciliation {
  settlements: Array<{ id: string; number: string; business_date: string; status: SettlementStatus }>;
  drypowder: { paymentCount: number; collectedCents: number; returnedCents: number; lineCount: number; lineCashCents: number; postedLineCount: number; postedCashCents: number };
  processor: Side<{ transferCount: number; collectedCents: number; returnedCents: number }>;
  erp: Side<{ postingCount: number; cashCents: number }>;
  differences: Array<{ kind: string; paymentNumber: string; key?: string; drypowderCents?: number; otherCents?: number; message: string }>;
  agrees: boolean;
  summary: string;
}

export const settlementMethods = {
  async closeSettlement(id: string): Promise<SettlementDetail> {
    const { json } = await httpClient(`${API_URL}/settlements/${id}/close`, { method: 'POST', body: '{}' });
    return json as SettlementDetail;
  },

  /** `postedAt` is an ISO instant with offset; the API refuses a time in the future. */
  async markCategoryPosted(id: string, category: Category, postedAt: string): Promise<SettlementDetail> {
    const { json } = await httpClient(`${API_URL}/settlements/${id}/categories/${category}/mark-posted`, { method: 'POST', body: JSON.stringify({ postedAt }) });
    return json as SettlementDetail;
  },

  async resolveSettlement(id: string): Promise<SettlementDetail> {
    const { json } = await httpClient(`${API_URL}/settlements/${id}/resolve`, { method: 'POST', body: '{}' });
    return json as SettlementDetail;
  },

  async autoPost(id: string, retryRejected = false): Promise<{ started: boolean; progress: PostingProgress; reason?: string }> {
    const { json } = await httpClient(`${API_URL}/settlements/${id}/auto-post`, { method: 'POST', body: JSON.stringify({ retryRejected }) });
    return json as { started: boolean; progress: PostingProgress; reason?: string };
  },

  async getPostingProgress(id: string): Promise<PostingProgress> {
    const { json } = await httpClient(`${API_URL}/settlements/${id}/posting-progress`);
    return json as PostingProgress;
  },

  /** Reads the processor and the ERP ledger live, so it is fetched when asked for, not with the page. */
  async getReconciliation(id: string): Promise<Reconciliation> {
    const { json } = await httpClient(`${API_URL}/settlements/${id}/reconciliation`);
    return json as Reconciliation;
  },
};

/** Download links: plain GETs the browser saves, carrying the session cookie. */
export function postingFileUrl(id: string, options: { header: boolean; category?: Category; lines?: 'unposted' | 'all' }): string {
  const query = new URLSearchParams({ header: String(options.header) });
  if (options.category) query.set('category', options.category);
  if (options.lines) query.set('lines', options.lines);
  return `${API_URL}/settlements/${id}/posting-file.csv?${query}`;
}

export const summaryCsvUrl = (id: string, header = true) => `${API_URL}/settlements/${id}/summary.csv?header=${header}`;
