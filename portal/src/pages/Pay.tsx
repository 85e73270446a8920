import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, get, messageOf, post } from '../api';
import { CardLink } from '../components/CardLink';
import { ErrorMessage, Loading, Notice } from '../components/ui';
import { dateOnly, money, parseDollars } from '../format';
import { addDays, localDate } from '../../../domain/dates';
import { MAX_SCHEDULE_DAYS_AHEAD } from '../../../domain/scheduled-payment';
import type { ScheduledPayment } from '../../../contracts/portal/scheduled-payments';
import { clearPendingAttempt, keyFor, pendingAttempt, savePendingAttempt, type PendingAttempt } from '../pay-attempt';
import { linkBankAccount, listMethods, relinkBankAccount } from '../payment-methods';
import { paymentRequest, selectionTotal, shortPayOf, type Selection } from '../selection';
import { SHORT_PAY_REASON_LABELS } from '../../../domain/short-pay';
import { discountSumLabel, isDeductionLine } from '../../../domain/application-lines';
import type { DealerSummary, PaymentDetail, Preview, SavedMethod, SubmittedPayment } from '../types';
import { useLoad } from '../use-load';

/** What the customer is told about a bank account that needs reconnecting, by Plaid's reason. */
const RELINK_REASON: Record<string, string> = {
  login_required: 'Your bank needs you to sign in again before this account can be debited.',
  pending_expiration: 'Your bank\u2019s permission for this account is about to expire. Reconnect it to keep paying from it.',
  pending_disconnect: 'Your bank is about to disconnect this account. Reconnect it to keep paying from it.',
  permission_revoked: 'Access to this account was withdrawn at your bank. Link it again to pay from it.',
};

const LINE_LABEL = { invoice: 'Invoice', debit: 'Debit', credit: 'Credit', discount: 'Statement discount', terms_discount: 'Early-payment discount', unapplied: 'Paid on account' } as const;

interface Props {
  dealerId: string;
  selection: Selection | null;
  onPaid: (paymentId: string) => void;
  onApprovalRequested: (approvalId: string) => void;
  /** A payment scheduled for a later date: the selection is done with, the schedule is on Payments. */
  onScheduled: () => void;
  /** What opening an emailed pay link found (items paid meanwhile), shown above the selection. */
  notice?: string | null;
  /** Credit applied to some items: what is left of the selection to pay (null when nothing is). */
  onSelectionChange?: (selection: Selection | null) => void;
}

/** A preview and the method it was worked out for: Pay submits exactly it. */
interface Quote {
  preview: Preview;
  methodId: string;
  /** The date it was quoted for; empty when paying now. */
  payOn: string;
}

/** How long a reloaded page keeps asking about an attempt whose submit may still be running. */
const ATTEMPT_LOOKUP_MS = 4_000;
/** Past this, an unanswered attempt is not the one the customer just made. */
const STALE_ATTEMPT_MS = 10 * 60_000;

/**
 * Looks up the attempt a reload interrupted: the payment it created, or — once the server has
 * had time to finish a submit that was in flight — nothing.
 */
function usePendingAttempt(dealerId: string, onPaid: (paymentId: string) => void): { checking: boolean; unanswered: PendingAttempt | null } {
  const [state, setState] = useState<{ checking: boolean; unanswered: PendingAttempt | null }>(() => {
    const attempt = pendingAttempt();
    return { checking: Boolean(attempt && attempt.dealerId === dealerId), unanswered: null };
  });
  useEffect(() => {
    const attempt = pendingAttempt();
    if (!attempt || attempt.dealerId !== dealerId) return;
    let live = true;
    const deadline = Date.now() + ATTEMPT_LOOKUP_MS;
    const ask = async (): Promise<void> => {
      try {
        const answer = await get<{ payment: PaymentDetail }>(`/payment-attempts/${encodeURIComponent(attempt.key)}`);
        if (!live) return;
        clearPendingAttempt();
        onPaid(answer.payment.id);
      } catch (error) {
        if (!live) return;
        const notYet = error instanceof ApiError && error.code === 'attempt_not_found';
        if ((notYet || (error instanceof ApiError && (error.status === 0 || error.status >= 500))) && Date.now() < deadline) {
          setTimeout(() => void ask(), 400);
          return;
        }
        // An attempt from long ago that made nothing is history, not news.
        if (Date.now() - attempt.startedAt > STALE_ATTEMPT_MS) {
          clearPendingAttempt();
          setState({ checking: false, unanswered: null });
          return;
        }
        // Kept: pressing Pay again with the same request reuses its key, so a submit that lands late still pays once.
        setState({ checking: false, unanswered: attempt });
      }
    };
    void ask();
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dealerId]);
  return state;
}

/**
 * Choose how to pay, see exactly what will be charged, pay. Pressing Pay makes an attempt key,
 * kept in sessionStorage with the request before the request goes out and sent as the
 * Idempotency-Key: a double click, a retry after a lost answer or a reload mid-submit finds or
 * returns the same payment instead of paying twice.
 */
export function Pay({ dealerId, selection, onPaid, onScheduled, onApprovalRequested, notice, onSelectionChange }: Props) {
  const [methods, setMethods] = useState<SavedMethod[] | null>(null);
  const [methodsError, setMethodsError] = useState<string | null>(null);
  const [methodId, setMethodId] = useState<string | null>(null);
  const [adding, setAdding] = useState<'bank' | 'card' | null>(null);
  const [addError, setAddError] = useState<string | null>(null);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  /** Empty: pay now; else the dealer-local date to pay on (docs/scheduled-payments.md). */
  const [payOn, setPayOn] = useState('');
  const inFlight = useRef(false);
  /** Cash to pay on account beyond the items, as typed (docs/unapplied-credit.md). */
  const [onAccountText, setOnAccountText] = useState('');
  const [credit, setCredit] = useState<{ appliedCents: number; balanceCents: number } | null>(null);
  const [creditError, setCreditError] = useState<string | null>(null);
  const [applyingCredit, setApplyingCredit] = useState(false);
  const attempt = usePendingAttempt(dealerId, onPaid);
  const { data: dealers } = useLoad(() => get<DealerSummary[]>('/dealers'), 'dealers');
  const dealer = dealers?.find((candidate) => candidate.id === dealerId);
  const billsByStatement = Boolean(dealer?.billsByStatement);
  const dealerToday = localDate(new Date(), dealer?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);

  const valid = selection && selection.dealerId === dealerId ? selection : null;
  const account = dealer?.accounts.find((candidate) => candidate.id === valid?.accountId);
  const creditCents = credit ? credit.balanceCents : account?.unappliedCreditCents ?? 0;
  const onAccountCents = dealer?.allowOverpayment && valid?.sourceView !== 'amount' ? parseDollars(onAccountText) : null;

  const loadMethods = useCallback(async (choose?: string) => {
    try {
      const list = await listMethods();
      setMethods(list);
      setMethodsError(null);
      const usable = list.filter((method) => !method.needsRelink);
      if (choose && usable.some((method) => method.id === choose)) setMethodId(choose);
      else if (usable.length === 1) setMethodId(usable[0]!.id);
      else setMethodId((current) => (usable.some((method) => method.id === current) ? current : null));
      return list;
    } catch (error) {
      setMethodsError(messageOf(error));
      setMethods([]);
      return [];
    }
  }, []);

  useEffect(() => {
    void loadMethods();
  }, [loadMethods]);

  useEffect(() => {
    if (!valid || !methodId) return;
    let current = true;
    setPreviewing(true);
    setPreviewError(null);
    setQuote(null);
    const request = { ...paymentRequest(valid, methodId), ...(onAccountCents ? { onAccountCents } : {}) };
    (payOn ? post<Preview>('/scheduled-payments/preview', { ...request, scheduledFor: payOn }) : post<Preview>('/payments/preview', request)).then(
      (preview) => current && setQuote({ preview, methodId, payOn }),
      (error) => current && setPreviewError(messageOf(error)),
    ).finally(() => current && setPreviewing(false));
    return () => {
      current = false;
    };
  }, [valid, methodId, payOn, onAccountCents]);

  if (attempt.checking) return <Loading what="Checking whether your payment went through" />;

  if (!valid) {
    return (
      <div className="card">
        <h1>Nothing selected</h1>
        {notice && <Notice>{notice}</Notice>}
        {credit && <Notice>{`${money(credit.appliedCents)} of your credit paid everything selected; nothing was charged.`}</Notice>}
        <p className="muted">Choose what to pay on the Outstanding page first.</p>
        <a className="button primary" href={`#/outstanding/${dealerId}`}>Go to Outstanding</a>
      </div>
    );
  }

  const submit = async () => {
    if (!quote || inFlight.current) return;
    inFlight.current = true;
    setSubmitting(true);
    setSubmitError(null);
    const body: PendingAttempt['body'] = {
      ...paymentRequest(valid, quote.methodId),
      ...(quote.preview.onAccountCents > 0 ? { onAccountCents: quote.preview.onAccountCents } : {}),
      // The server refuses if the total changed since this preview, rather than charge a different amount.
      expectedAmountCents: quote.preview.amountCents,
      ...(quote.preview.achAuthorization ? { achAuthorizationVersion: quote.preview.achAuthorization.version } : {}),
    };
    if (quote.payOn) {
      await schedule({ ...body, scheduledFor: quote.payOn });
      return;
    }
    const key = keyFor(dealerId, body);
    savePendingAttempt({ key, dealerId, body, selection: valid, startedAt: Date.now() });
    try {
      const answer = await api<{ payment: SubmittedPayment } | { approval: { id: string } }>('POST', '/payments', { body, headers: { 'Idempotency-Key': key } });
      clearPendingAttempt();
      // Above the company's approval limit nothing is charged: it waits for an owner (docs/company-roles.md).
      if ('approval' in answer) onApprovalRequested(answer.approval.id);
      else onPaid(answer.payment.id);
    } catch (error) {
      // A refusal means no payment carries this key; a lost answer or a server error may hide one, so the key stays for the retry.
      const refused = error instanceof ApiError && error.status >= 400 && error.status < 500;
      if (refused) clearPendingAttempt();
      setSubmitError(error instanceof ApiError && error.status === 409
        ? `${error.message} Go back to Outstanding to see what is still open.`
        : `${messageOf(error)} You can press Pay again: it will not charge you twice.`);
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  /** A press of Schedule: its key comes from the request, so pressing again after a lost answer is the same schedule. */
  const schedule = async (body: PendingAttempt['body'] & { scheduledFor: string }) => {
    try {
      const { expectedAmountCents: _shown, ...request } = body;
      const answer = await api<ScheduledPayment | { approval: { id: string } }>('POST', '/scheduled-payments', { body: request, headers: { 'Idempotency-Key': keyFor(dealerId, body) } });
      // Above the company's approval limit nothing is scheduled until an owner approves it.
      if ('approval' in answer) onApprovalRequested(answer.approval.id);
      else onScheduled();
    } catch (error) {
      setSubmitError(error instanceof ApiError && error.status === 409 ? `${error.message} Go back to Outstanding to see what is still open.` : `${messageOf(error)} You can press Schedule again: it will not schedule twice.`);
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  /** Applies the account's credit to the selected invoices; what it covers leaves the selection, so the rest is paid as usual. */
  const applyCredit = async () => {
    const invoices = valid.items.filter((item) => item.type === 'invoice');
    setApplyingCredit(true);
    setCreditError(null);
    try {
      const answer = await post<{ appliedCents: number; balanceCents: number; invoices: Array<{ invoiceId: string; amountCents: number }> }>('/credit/apply', {
        dealerId, customerAccountId: valid.accountId, invoiceIds: invoices.map((item) => item.id),
      });
      setCredit({ appliedCents: (credit?.appliedCents ?? 0) + answer.appliedCents, balanceCents: answer.balanceCents });
      const paid = new Map(answer.invoices.map((line) => [line.invoiceId, line.amountCents]));
      const items = valid.items
        .map((item) => {
          const covered = paid.get(item.id) ?? 0;
          const payable = item.payableCents - covered;
          return { ...item, payableCents: payable, amountCents: Math.min(item.amountCents, payable) };
        })
        .filter((item) => item.payableCents > 0);
      onSelectionChange?.(items.some((item) => item.type !== 'credit') ? { ...valid, sourceView: 'all', statementId: undefined, items } : null);
    } catch (error) {
      setCreditError(messageOf(error));
    } finally {
      setApplyingCredit(false);
    }
  };

  const onLinkBank = async () => {
    setAdding('bank');
    setAddError(null);
    try {
      const saved = await linkBankAccount();
      await loadMethods(saved.id);
      setAdding(null);
    } catch (error) {
      setAddError(messageOf(error));
      setAdding(null);
    }
  };

  const onRelink = async (id: string) => {
    setAdding('bank');
    setAddError(null);
    try {
      const repaired = await relinkBankAccount(id);
      await loadMethods(repaired.needsRelink ? undefined : repaired.id);
    } catch (error) {
      setAddError(messageOf(error));
    } finally {
      setAdding(null);
    }
  };

  const preview = quote?.preview;
  const blocked = !preview || preview.errors.length > 0 || preview.amountCents <= 0;
  const chosenMethod = methods?.find((method) => method.id === quote?.methodId);

  return (
    <section className="pay">
      <p className="eyebrow"><a href={`#/outstanding/${dealerId}`}>‹ Back to Outstanding</a></p>
      <h1>Pay</h1>
      {notice && <Notice>{notice}</Notice>}
      {attempt.unanswered && <Notice>Your last press of Pay did not reach us, so nothing was charged. Check the total below and press Pay again.</Notice>}

      <div className="card">
        <h2>What you are paying</h2>
        {valid.sourceView === 'amount'
          ? <p>{money(valid.payAmountCents ?? 0)}, applied to your oldest invoices first.</p>
          : (
            <>
              <p>{valid.items.length} item{valid.items.length === 1 ? '' : 's'}{valid.sourceView === 'current_statement' ? ' — the full statement' : ''}, {money(selectionTotal(valid))} before fees and discounts.</p>
              <ul className="chips">
                {valid.items.map((item) => {
                  const shortPay = shortPayOf(item);
                  return (
                    <li key={item.id} className={item.type}>
                      {item.number}{item.amountCents !== item.payableCents ? ` (${money(item.amountCents)})` : ''}
                      {shortPay && <span className="small muted"> · short-paid: {SHORT_PAY_REASON_LABELS[shortPay.reason].toLowerCase()}{shortPay.note?.trim() ? ` (${shortPay.note.trim()})` : ''}</span>}
                    </li>
                  );
                })}
              </ul>
            </>
          )}
      </div>

      {(creditCents > 0 || credit) && valid.sourceView !== 'amount' && (
        <div className="card apply-credit">
          <h2>Your credit</h2>
          {credit && <Notice>{`${money(credit.appliedCents)} of credit applied; nothing was charged for it.`}</Notice>}
          <p>{creditCents > 0 ? `You have ${money(creditCents)} of unapplied credit on this account.` : 'No unapplied credit is left on this account.'}</p>
          <ErrorMessage error={creditError} />
          {creditCents > 0 && valid.items.some((item) => item.type === 'invoice') && (
            <button type="button" className="secondary" disabled={applyingCredit} onClick={applyCredit}>
              {applyingCredit ? 'Applying…' : 'Apply credit to the selected invoices'}
            </button>
          )}
        </div>
      )}

      <div className="card">
        <h2>How you pay</h2>
        <ErrorMessage error={methodsError} />
        {methods === null ? <Loading what="Loading your payment methods" /> : (
          <div className="methods" role="radiogroup" aria-label="Payment method">
            {methods.map((method) => method.needsRelink ? (
              <div key={method.id} className="method needs-relink">
                <input type="radio" name="method" disabled aria-label={`${method.label} (needs reconnecting)`} />
                <span className="method-kind">Bank (ACH)</span>
                <span>{method.label}</span>
                <span className="relink">
                  <span className="small">{RELINK_REASON[method.relinkReason ?? ''] ?? RELINK_REASON.login_required}</span>
                  <button type="button" className="secondary" disabled={adding !== null} onClick={() => (method.relinkReason === 'permission_revoked' ? onLinkBank() : onRelink(method.id))}>
                    {method.relinkReason === 'permission_revoked' ? 'Link it again' : 'Reconnect'}
                  </button>
                </span>
              </div>
            ) : (
              <label key={method.id} className={methodId === method.id ? 'method chosen' : 'method'}>
                <input type="radio" name="method" checked={methodId === method.id} onChange={() => setMethodId(method.id)} />
                <span className="method-kind">{method.kind === 'ach' ? 'Bank (ACH)' : 'Card'}</span>
                <span>{method.label}</span>
              </label>
            ))}
            {methods.length === 0 && <p className="muted small">No saved payment methods yet. Link a bank account once and it is saved for next time.</p>}
          </div>
        )}
        <ErrorMessage error={addError} />
        <div className="row wrap">
          <button type="button" className="secondary" onClick={onLinkBank} disabled={adding !== null}>{adding === 'bank' ? 'Waiting for your bank…' : methods?.some((method) => method.kind === 'ach') ? 'Link another bank account' : 'Link a bank account'}</button>
          <button type="button" className="secondary" onClick={() => setAdding(adding === 'card' ? null : 'card')} disabled={adding === 'bank'}>Add a card</button>
        </div>
        {adding === 'card' && (
          <CardLink
            onCancel={() => setAdding(null)}
            onSaved={async (saved) => {
              await loadMethods(saved.id);
              setAdding(null);
            }}
          />
        )}
      </div>

      {valid.sourceView !== 'amount' && (
        <div className="card when">
          <h2>When</h2>
          <div className="row wrap" role="radiogroup" aria-label="When to pay">
            <label className="choice"><input type="radio" name="when" checked={!payOn} onChange={() => setPayOn('')} /> Pay now</label>
            <label className="choice"><input type="radio" name="when" checked={Boolean(payOn)} onChange={() => setPayOn(addDays(dealerToday, 1))} /> On a later date</label>
            {payOn && (
              <input type="date" aria-label="Payment date" min={addDays(dealerToday, 1)} max={addDays(dealerToday, MAX_SCHEDULE_DAYS_AHEAD)} value={payOn} onChange={(event) => setPayOn(event.target.value)} />
            )}
          </div>
          {payOn && <p className="small muted">The items are held for this payment until then; you can cancel it from Payments before that day.</p>}
        </div>
      )}

      {dealer?.allowOverpayment && valid.sourceView !== 'amount' && (
        <div className="card on-account">
          <h2>Pay more on account</h2>
          <label className="field">
            <span>Extra amount (optional)</span>
            <input inputMode="decimal" aria-label="Extra amount to pay on account" placeholder="0.00" value={onAccountText} onChange={(event) => setOnAccountText(event.target.value)} />
          </label>
          <p className="small muted">Kept as credit on your account once the payment clears, to apply to later invoices.</p>
        </div>
      )}

      {methodId && adding === 'card' && <Notice>Finish adding the card, or cancel, to see the total and pay.</Notice>}
      {methodId && adding !== 'card' && (
        <div className="card preview" aria-live="polite">
          <h2>Preview</h2>
          {previewing && <Loading what="Working out the total" />}
          <ErrorMessage error={previewError} />
          {preview && (
            <>
              <ul className="preview-lines">
                {preview.lines.map((line) => (
                  <li key={`${line.type}-${line.id}`}>
                    <span>{LINE_LABEL[line.type]} {line.number}{line.appliedToInvoiceNumber ? <span className="muted small"> to invoice {line.appliedToInvoiceNumber}</span> : null}</span>
                    <span className={isDeductionLine(line.type) ? 'credit' : ''}>{isDeductionLine(line.type) ? `−${money(line.amountCents)}` : money(line.amountCents)}</span>
                  </li>
                ))}
              </ul>
              <dl className="preview-sums">
                <div><dt>Items</dt><dd>{money(preview.itemsCents)}</dd></div>
                {preview.onAccountCents > 0 && <div><dt>On account (kept as credit)</dt><dd>{money(preview.onAccountCents)}</dd></div>}
                {preview.creditsCents > 0 && <div><dt>Credits</dt><dd className="credit">−{money(preview.creditsCents)}</dd></div>}
                {(preview.discountCents > 0 || billsByStatement) && (
                  <>
                    <div><dt>{discountSumLabel(preview.lines.map((line) => line.type))}</dt><dd className={preview.discountCents > 0 ? 'credit' : ''}>{preview.discountCents > 0 ? `−${money(preview.discountCents)}` : money(0)}</dd></div>
                    {preview.discountReason && <p className="small muted reason">{preview.discountReason}</p>}
                  </>
                )}
                <div><dt>Fee</dt><dd>{money(preview.feeCents)}</dd></div>
                {preview.feeExplanation && <p className="small muted reason">{preview.feeExplanation}</p>}
                <div className="total"><dt>Total charged</dt><dd>{money(preview.amountCents)}</dd></div>
              </dl>
              {chosenMethod && <p className="charged-to">{chosenMethod.kind === 'ach' ? 'Debited from' : 'Charged to'} <strong>{chosenMethod.label}</strong></p>}
              {preview.achAuthorization && (
                <div className="authorization" role="note" aria-label="Debit authorization">
                  <p className="small">{preview.achAuthorization.text}</p>
                </div>
              )}
              {preview.errors.map((problem) => <ErrorMessage key={problem.code} error={problem.message} />)}
              <ErrorMessage error={submitError} />
              <button type="button" className="primary wide pay-button" disabled={blocked || submitting} onClick={submit}>
                {submitting ? 'Submitting…' : quote?.payOn ? `Schedule ${money(preview.amountCents)} for ${dateOnly(quote.payOn)}` : `Pay ${money(preview.amountCents)}`}
              </button>
              <p className="small muted center">{quote?.payOn ? 'This is the amount that will be charged that day, unless an item is paid another way before then.' : 'This is exactly the amount that will be charged.'}</p>
            </>
          )}
        </div>
      )}
      {!methodId && methods && methods.length > 0 && <Notice>Choose a payment method to see the total.</Notice>}
    </section>
  );
}
