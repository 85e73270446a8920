import { useRef, useState } from 'react';
import type { jobLinkView } from '../../../contracts/portal/company-roles';
import type { z } from 'zod';
import { api, get, messageOf, post } from '../api';
import { CardLink } from '../components/CardLink';
import { ErrorMessage, Loading } from '../components/ui';
import { dateOnly, money } from '../format';
import { jobLinkMethods, linkBankAccount, normalise } from '../payment-methods';
import type { Preview } from '../types';
import { useLoad } from '../use-load';

type View = z.infer<typeof jobLinkView>;

/**
 * A job pay link opened without a login (docs/company-roles.md): the supplier's name, the job
 * and its open items; the payer links a card or bank account and pays every item shown.
 */
export function JobLink({ token }: { token: string }) {
  const base = `/job-links/${encodeURIComponent(token)}`;
  const endpoints = jobLinkMethods(token);
  const { data, error, reload } = useLoad(() => get<View>(base, { quiet401: true }), `job-link:${token}`);
  const [methodId, setMethodId] = useState('');
  const [adding, setAdding] = useState<'card' | 'bank' | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [paid, setPaid] = useState<{ number: string; amountCents: number } | null>(null);
  const [paying, setPaying] = useState(false);
  const key = useRef(crypto.randomUUID());

  if (error) return <section className="card"><h1>This pay link cannot be used</h1><ErrorMessage error={error} /></section>;
  if (!data) return <Loading />;
  if (paid) {
    return (
      <section className="card confirmation">
        <p className="check-mark" aria-hidden="true">✓</p>
        <h1>Payment submitted</h1>
        <p className="big">{money(paid.amountCents)} to {data.dealerName} for {data.jobName}</p>
        <p>Payment {paid.number}. Keep this number for your records; {data.dealerName} applies it to the job's invoices.</p>
      </section>
    );
  }
  const methods = data.paymentMethods.map((raw) => normalise(raw as unknown as Record<string, unknown>));
  const choose = async (id: string) => {
    setMethodId(id);
    setPreview(null);
    setProblem(null);
    try {
      setPreview(await post<Preview>(`${base}/preview`, { paymentMethodId: id }, { quiet401: true }));
    } catch (failure) {
      setProblem(messageOf(failure));
    }
  };
  const pay = async () => {
    if (!preview) return;
    setPaying(true);
    setProblem(null);
    try {
      const body = { paymentMethodId: methodId, ...(preview.achAuthorization ? { achAuthorizationVersion: preview.achAuthorization.version } : {}) };
      const answer = await api<{ payment: { number: string; amountCents: number } }>('POST', `${base}/payments`, { body, headers: { 'Idempotency-Key': key.current }, quiet401: true });
      setPaid(answer.payment);
    } catch (failure) {
      setProblem(messageOf(failure));
    } finally {
      setPaying(false);
    }
  };
  const linkBank = async () => {
    setAdding('bank');
    setProblem(null);
    try {
      const saved = await linkBankAccount(endpoints);
      reload();
      await choose(saved.id);
    } catch (failure) {
      setProblem(messageOf(failure));
    } finally {
      setAdding(null);
    }
  };
  return (
    <section className="stack">
      <div className="card">
        <p className="muted small">Pay {data.dealerName}</p>
        <h1>{data.jobName}</h1>
        {data.payerLabel && <p className="small">For {data.payerLabel}</p>}
        <p className="small muted">This link works until {dateOnly(data.expiresAt.slice(0, 10))} and pays only this job's open items.</p>
      </div>
      <div className="card">
        <h2>What you are paying</h2>
        {data.items.length === 0 ? <p className="muted">Nothing on this job is open to pay right now.</p> : (
          <ul className="job-link-items">
            {data.items.map((item) => (
              <li key={item.id} className="scheduled-row">
                <span>{item.type === 'invoice' ? 'Invoice' : item.type === 'credit' ? 'Credit' : 'Debit'} {item.number}{item.dueDate ? <span className="muted small"> · due {dateOnly(item.dueDate)}</span> : null}</span>
                <strong>{item.type === 'credit' ? `−${money(item.openCents)}` : money(item.openCents)}</strong>
              </li>
            ))}
          </ul>
        )}
        <p className="big">Total {money(data.totalCents)}</p>
      </div>
      {data.items.length > 0 && (
        <div className="card stack">
          <h2>How you pay</h2>
          <div className="methods" role="radiogroup" aria-label="Payment method">
            {methods.map((method) => (
              <label key={method.id} className={methodId === method.id ? 'method chosen' : 'method'}>
                <input type="radio" name="method" checked={methodId === method.id} onChange={() => choose(method.id)} />
                <span className="method-kind">{method.kind === 'ach' ? 'Bank (ACH)' : 'Card'}</span>
                <span>{method.label}</span>
              </label>
            ))}
          </div>
          <div className="row wrap">
            <button type="button" className="secondary" onClick={linkBank} disabled={adding !== null}>{adding === 'bank' ? 'Waiting for your bank…' : 'Link a bank account'}</button>
            <button type="button" className="secondary" onClick={() => setAdding(adding === 'card' ? null : 'card')} disabled={adding === 'bank'}>Add a card</button>
          </div>
          {adding === 'card' && (
            <CardLink endpoints={endpoints} onCancel={() => setAdding(null)} onSaved={async (saved) => { setAdding(null); reload(); await choose(saved.id); }} />
          )}
          <ErrorMessage error={problem} />
          {preview && (
            <div className="stack">
              {preview.feeCents > 0 && <p className="small">{preview.feeExplanation ?? 'Processing fee'}: {money(preview.feeCents)}</p>}
              {preview.achAuthorization && <p className="small muted">{preview.achAuthorization.text}</p>}
              <button type="button" className="primary wide pay-button" disabled={paying || preview.errors.length > 0} onClick={pay}>{paying ? 'Submitting…' : `Pay ${money(preview.amountCents)}`}</button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
