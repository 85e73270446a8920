import { useEffect, useState } from 'react';
import { get, messageOf, post } from '../api';
import { ErrorMessage, Field, Loading, Notice } from '../components/ui';
import { dateOnly, money, parseDollars } from '../format';
import { listMethods } from '../payment-methods';
import type { DealerSummary, SavedMethod } from '../types';
import type { Enrolment, EnrolmentRequest } from '../../../contracts/portal/autopay';
import { useLoad } from '../use-load';

type Rule = EnrolmentRequest['rule'];
const RULES: Array<{ value: Rule; label: string }> = [
  { value: 'statement_discount_date', label: 'Pay each statement on its discount date (take the discount)' },
  { value: 'statement_due_date', label: 'Pay each statement on its due date' },
  { value: 'invoice_before_due', label: 'Pay each invoice a number of days before it is due' },
];

/**
 * Autopay (docs/autopay.md): the company's enrolments, with Cancel, Turn back on (after it
 * stopped to ask) and the authorization PDF, and a form to enrol an account. The recurring
 * authorization is fetched for exactly the choices made and shown beside Turn on autopay.
 */
export function Autopay() {
  const list = useLoad(() => get<{ enrolments: Enrolment[] }>('/autopay'), 'autopay');
  const [done, setDone] = useState<string | null>(null);
  if (list.error) return <ErrorMessage error={list.error} />;
  if (!list.data) return <Loading />;
  const live = list.data.enrolments.filter((row) => row.status !== 'canceled');
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>Autopay</h1>
          <p className="muted">Pay your statements or invoices automatically from a saved bank account or card. You are emailed before every debit and can cancel at any time.</p>
        </div>
      </div>
      {done && <Notice>{done}</Notice>}
      {live.length > 0 && (
        <div className="card">
          <h2>Your autopay</h2>
          {live.map((row) => <EnrolmentCard key={row.id} row={row} onChanged={(message) => { setDone(message); list.reload(); }} />)}
        </div>
      )}
      <EnrolForm enrolled={new Set(live.map((row) => row.customerAccountId))} onEnrolled={() => { setDone('Autopay is on. You will be emailed before each debit.'); list.reload(); }} />
    </section>
  );
}

function EnrolmentCard({ row, onChanged }: { row: Enrolment; onChanged: (message: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [max, setMax] = useState(row.maxAmountCents === null ? '' : (row.maxAmountCents / 100).toFixed(2));
  const act = async (path: string, body: unknown, message: string) => {
    setError(null);
    try {
      await post(`/autopay/${row.id}/${path}`, body);
      onChanged(message);
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  return (
    <div className="autopay-row" data-enrolment={row.id}>
      <p>
        <strong>Account {row.accountNumber}</strong> · <span className={`badge ${row.status === 'active' ? 'good' : row.status === 'needs_attention' ? 'bad' : 'warn'}`}>{row.statusLabel}</span>
      </p>
      <p className="muted">Pays {row.ruleText}. From {row.methodLabel}{row.maxAmountCents !== null ? `, at most ${money(row.maxAmountCents)} a payment` : ''}; emailed {row.noticeDays} day{row.noticeDays === 1 ? '' : 's'} before each debit.</p>
      {row.nextDebitDate && <p>Next debit: <strong>{dateOnly(row.nextDebitDate)}</strong></p>}
      {row.status === 'needs_attention' && (
        <div className="alert error autopay-attention" role="alert">
          <p>{row.attentionReason}</p>
          <Field label="Maximum per payment ($, empty for none)">
            <input value={max} onChange={(event) => setMax(event.target.value)} inputMode="decimal" />
          </Field>
          <button type="button" className="button secondary" onClick={() => act('resume', { maxAmountCents: max.trim() === '' ? null : parseDollars(max) }, 'Autopay is back on.')}>Turn autopay back on</button>
        </div>
      )}
      <p>
        <a href={`/api/portal/autopay/${row.id}/authorization.pdf`} target="_blank" rel="noreferrer">Authorization (PDF)</a>
        {' · '}
        <button type="button" className="link-button" onClick={() => { if (window.confirm('Cancel autopay? No further debits will be made.')) void act('cancel', {}, 'Autopay is cancelled. No further debits will be made.'); }}>Cancel autopay</button>
      </p>
      <ErrorMessage error={error} />
    </div>
  );
}

function EnrolForm({ enrolled, onEnrolled }: { enrolled: Set<string>; onEnrolled: () => void }) {
  const dealers = useLoad(() => get<DealerSummary[]>('/dealers'), 'dealers');
  const methods = useLoad(listMethods, 'methods');
  const accounts = (dealers.data ?? []).flatMap((dealer) => dealer.accounts.map((account) => ({ dealerId: dealer.id, dealerName: dealer.name, ...account }))).filter((account) => !enrolled.has(account.id));
  const [accountId, setAccountId] = useState('');
  const [methodId, setMethodId] = useState('');
  const [rule, setRule] = useState<Rule>('statement_discount_date');
  const [days, setDays] = useState('5');
  const [max, setMax] = useState('');
  const [noticeDays, setNoticeDays] = useState('3');
  const [holder, setHolder] = useState<'business' | 'consumer'>('business');
  const [authorization, setAuthorization] = useState<{ version: string; text: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const account = accounts.find((candidate) => candidate.id === (accountId || accounts[0]?.id));
  const method = (methods.data ?? []).find((candidate) => candidate.id === (methodId || methods.data?.find((m) => !m.needsRelink)?.id));
  const maxCents = max.trim() === '' ? undefined : parseDollars(max) ?? undefined;
  const request: EnrolmentRequest | null = account && method ? {
    dealerId: account.dealerId, customerAccountId: account.id, paymentMethodId: method.id, rule,
    ...(rule === 'invoice_before_due' ? { daysBeforeDue: Number(days) } : {}),
    ...(maxCents !== undefined ? { maxAmountCents: maxCents } : {}),
    noticeDays: Number(noticeDays),
    ...(method.kind === 'ach' ? { accountHolderType: holder } : {}),
  } : null;
  const key = JSON.stringify(request);

  useEffect(() => {
    if (!request) return;
    let current = true;
    post<{ achAuthorization: { version: string; text: string } | null }>('/autopay/preview', request)
      .then((answer) => current && (setAuthorization(answer.achAuthorization), setError(null)), (caught) => current && (setAuthorization(null), setError(messageOf(caught))));
    return () => { current = false; };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps

  if (dealers.error || methods.error) return <ErrorMessage error={dealers.error ?? methods.error} />;
  if (!dealers.data || !methods.data) return <Loading />;
  if (accounts.length === 0) return null;
  if (methods.data.length === 0) return <div className="card"><h2>Turn on autopay</h2><p className="muted">Link a bank account or add a card when you pay, then come back to turn on autopay.</p></div>;

  const submit = async () => {
    if (!request) return;
    setBusy(true);
    setError(null);
    try {
      await post('/autopay', { ...request, ...(authorization ? { achAuthorizationVersion: authorization.version } : {}) });
      onEnrolled();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card">
      <h2>Turn on autopay</h2>
      <Field label="Account">
        <select value={account?.id ?? ''} onChange={(event) => setAccountId(event.target.value)}>
          {accounts.map((candidate) => <option key={candidate.id} value={candidate.id}>{candidate.dealerName} · {candidate.name} · {candidate.erpAccountId}</option>)}
        </select>
      </Field>
      <Field label="Pay with">
        <select value={method?.id ?? ''} onChange={(event) => setMethodId(event.target.value)}>
          {methods.data.map((candidate) => <option key={candidate.id} value={candidate.id} disabled={candidate.needsRelink}>{candidate.label}{candidate.needsRelink ? ' (reconnect first)' : ''}</option>)}
        </select>
      </Field>
      <fieldset className="field">
        <legend>When to pay</legend>
        {RULES.map((option) => (
          <label key={option.value} className="check"><input type="radio" name="rule" checked={rule === option.value} onChange={() => setRule(option.value)} /> {option.label}</label>
        ))}
      </fieldset>
      {rule === 'invoice_before_due' && <Field label="Days before the due date"><input value={days} onChange={(event) => setDays(event.target.value)} inputMode="numeric" /></Field>}
      <Field label="Maximum per payment ($, optional)" hint="A larger amount is not debited; you are asked instead."><input value={max} onChange={(event) => setMax(event.target.value)} inputMode="decimal" /></Field>
      <Field label="Email me this many days before each debit"><input value={noticeDays} onChange={(event) => setNoticeDays(event.target.value)} inputMode="numeric" /></Field>
      {method?.kind === 'ach' && (
        <fieldset className="field">
          <legend>This bank account is a</legend>
          <label className="check"><input type="radio" name="holder" checked={holder === 'business'} onChange={() => setHolder('business')} /> Business account</label>
          <label className="check"><input type="radio" name="holder" checked={holder === 'consumer'} onChange={() => setHolder('consumer')} /> Personal (consumer) account</label>
        </fieldset>
      )}
      {authorization && <p className="terms" data-version={authorization.version}>{authorization.text}</p>}
      <ErrorMessage error={error} />
      <button type="button" className="button primary" disabled={busy || !request || (method?.kind === 'ach' && !authorization)} onClick={submit}>Turn on autopay</button>
    </div>
  );
}
