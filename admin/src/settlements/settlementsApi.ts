import { httpClient } from '../httpClient';
import { API_URL } from '../session';
import type {
  AutoPostAnswer, Category, CategoryState, GlLine, LineCount, PostingProgress, PostingState, Reconciliation, SettlementDetail, SettlementPayment, SettlementRow, SettlementStatus,
} from '../../../contracts/operator/settlements';
import { SETTLEMENT_CATEGORIES } from '../../../domain/settlement';

export type { Category, CategoryState, GlLine, LineCount, PostingProgress, PostingState, Reconciliation, SettlementDetail, SettlementPayment, SettlementRow, SettlementStatus };

export const CATEGORIES = SETTLEMENT_CATEGORIES;

export const CATEGORY_LABELS: Record<Category, string> = {
  invoices: 'Invoices',
  credit_adjustments: 'Credit adjustments',
  debit_adjustments: 'Debit adjustments',
};

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

  async autoPost(id: string, retryRejected = false): Promise<AutoPostAnswer> {
    const { json } = await httpClient(`${API_URL}/settlements/${id}/auto-post`, { method: 'POST', body: JSON.stringify({ retryRejected }) });
    return json as AutoPostAnswer;
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
