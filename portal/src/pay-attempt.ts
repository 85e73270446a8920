import type { Selection } from './selection';
import type { PaymentRequest } from './types';

/**
 * What must survive a reload of the tab: the selection being paid, and — from the moment Pay
 * is pressed until the server has answered — the attempt (its Idempotency-Key and the exact
 * request). A reload while the submit is in flight finds the attempt here and asks the server
 * whether a payment was created for its key; pressing Pay again with the same request reuses
 * the key, so a submit that reached the server late still cannot create a second payment.
 * sessionStorage is per tab and ends with it, which is the lifetime of one checkout.
 */
export interface PendingAttempt {
  key: string;
  dealerId: string;
  body: PaymentRequest & { expectedAmountCents: number; achAuthorizationVersion?: string };
  selection: Selection;
  startedAt: number;
}

const SELECTION = 'drypowder.portal.selection';
const ATTEMPT = 'drypowder.portal.pay-attempt';

function read<T>(name: string): T | null {
  try {
    const raw = window.sessionStorage.getItem(name);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(name: string, value: unknown): void {
  try {
    if (value === null) window.sessionStorage.removeItem(name);
    else window.sessionStorage.setItem(name, JSON.stringify(value));
  } catch {
    // Storage can be full or disabled (private modes); checkout still works, only not across a reload.
  }
}

export const loadSelection = () => read<Selection>(SELECTION);
export const saveSelection = (selection: Selection | null) => write(SELECTION, selection);

export const pendingAttempt = () => read<PendingAttempt>(ATTEMPT);
export const savePendingAttempt = (attempt: PendingAttempt) => write(ATTEMPT, attempt);
export const clearPendingAttempt = () => write(ATTEMPT, null);

/** Random, and made in the browser: crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newAttemptKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The key for submitting `body`: the pending attempt's when it is the same request, else a new one. */
export function keyFor(dealerId: string, body: PendingAttempt['body']): string {
  const previous = pendingAttempt();
  return previous && previous.dealerId === dealerId && JSON.stringify(previous.body) === JSON.stringify(body) ? previous.key : newAttemptKey();
}
