import type { ReactNode } from 'react';
import type { PaymentStatus } from '../types';

/** Small shared pieces: messages, status badges, labelled fields. */

export function ErrorMessage({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return <p className="alert error" role="alert">{error}</p>;
}

export function Notice({ children }: { children: ReactNode }) {
  return <p className="alert info" role="status">{children}</p>;
}

const STATUS_TONE: Record<PaymentStatus, string> = {
  pending: 'pending',
  settled: 'good',
  frozen: 'warn',
  terminated: 'bad',
  failed: 'bad',
  returned: 'bad',
  disputed: 'warn',
  // Given back on purpose: nothing went wrong, though the items are owed again.
  refunded: '',
  charged_back: 'bad',
};

export function StatusBadge({ status, label }: { status: PaymentStatus; label: string }) {
  return <span className={`badge ${STATUS_TONE[status] ?? ''}`}>{label}</span>;
}

export function AgeBadge({ age }: { age: string | null }) {
  if (!age) return <span className="badge good">Current</span>;
  const tone = age === '90+' || age === '60+' ? 'bad' : 'warn';
  return <span className={`badge ${tone}`}>{age === '1-30' ? 'Past due' : `${age} days`}</span>;
}

export function Field({ label, hint, children }: { label: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <div className="field">
      <label>
        <span className="field-label">{label}</span>
        {children}
      </label>
      {hint && <span className="field-hint">{hint}</span>}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return <p className="muted center" aria-busy="true">{what}…</p>;
}
