import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, api, get, messageOf, post } from '../api';
import { ErrorMessage, Field, Loading, Notice } from '../components/ui';
import { money } from '../format';
import { addCard, linkBankAccount, listMethods, type CardInput } from '../payment-methods';
import { paymentRequest, selectionTotal, type Selection } from '../selection';
import type { DealerSummary, Preview, SavedMethod, SubmittedPayment } from '../types';
import { useLoad } from '../use-load';

const LINE_LABEL = { invoice: 'Invoice', debit: 'Debit', credit: 'Credit', discount: 'Statement discount' } as const;

interface Props {
  dealerId: string;
  selection: Selection | null;
  onPaid: (paymentId: string) => void;
}

/** Random, and made in the browser: crypto.randomUUID needs a secure context, getRandomValues does not. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A preview and the key that submits exactly it: a new preview, a new key. */
interface Quote {
  preview: Preview;
  idempotencyKey: string;
  methodId: string;
}

/**
 * Choose how to pay, see exactly what will be charged, pay. The submit carries an
 * Idempotency-Key made once per preview, so a double click or a retry after a lost answer
 * returns the same payment instead of paying twice.
 */
export function Pay({ dealerId, selection, onPaid }: Props) {
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
  const inFlight = useRef(false);
  const { data: dealers } = useLoad(() => get<DealerSummary[]>('/dealers'), 'dealers');
  const billsByStatement = Boolean(dealers?.find((dealer) => dealer.id === dealerId)?.billsByStatement);

  const valid = selection && selection.dealerId === dealerId ? selection : null;

  const loadMethods = useCallback(async (choose?: string) => {
    try {
      const list = await listMethods();
      setMethods(list);
      setMethodsError(null);
      if (choose) setMethodId(choose);
      else if (list.length === 1) setMethodId(list[0]!.id);
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
    post<Preview>('/payments/preview', paymentRequest(valid, methodId)).then(
      (preview) => current && setQuote({ preview, idempotencyKey: newIdempotencyKey(), methodId }),
      (error) => current && setPreviewError(messageOf(error)),
    ).finally(() => current && setPreviewing(false));
    return () => {
      current = false;
    };
  }, [valid, methodId]);

  if (!valid) {
    return (
      <div className="card">
        <h1>Nothing selected</h1>
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
    try {
      const answer = await api<{ payment: SubmittedPayment }>('POST', '/payments', {
        // The server refuses if the total changed since this preview, rather than charge a different amount.
        body: { ...paymentRequest(valid, quote.methodId), expectedAmountCents: quote.preview.amountCents },
        headers: { 'Idempotency-Key': quote.idempotencyKey },
      });
      onPaid(answer.payment.id);
    } catch (error) {
      setSubmitError(error instanceof ApiError && error.status === 409
        ? `${error.message} Go back to Outstanding to see what is still open.`
        : `${messageOf(error)} You can press Pay again: it will not charge you twice.`);
      inFlight.current = false;
      setSubmitting(false);
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

  const preview = quote?.preview;
  const blocked = !preview || preview.errors.length > 0 || preview.amountCents <= 0;

  return (
    <section className="pay">
      <p className="eyebrow"><a href={`#/outstanding/${dealerId}`}>‹ Back to Outstanding</a></p>
      <h1>Pay</h1>

      <div className="card">
        <h2>What you are paying</h2>
        {valid.sourceView === 'amount'
          ? <p>{money(valid.payAmountCents ?? 0)}, applied to your oldest invoices first.</p>
          : (
            <>
              <p>{valid.items.length} item{valid.items.length === 1 ? '' : 's'}{valid.sourceView === 'current_statement' ? ' — the full statement' : ''}, {money(selectionTotal(valid))} before fees and discounts.</p>
              <ul className="chips">
                {valid.items.map((item) => <li key={item.id} className={item.type}>{item.number}{item.amountCents !== item.payableCents ? ` (${money(item.amountCents)})` : ''}</li>)}
              </ul>
            </>
          )}
      </div>

      <div className="card">
        <h2>How you pay</h2>
        <ErrorMessage error={methodsError} />
        {methods === null ? <Loading what="Loading your payment methods" /> : (
          <div className="methods" role="radiogroup" aria-label="Payment method">
            {methods.map((method) => (
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
          <CardForm
            onCancel={() => setAdding(null)}
            onSubmit={async (card) => {
              const saved = await addCard(card);
              await loadMethods(saved.id);
              setAdding(null);
            }}
          />
        )}
      </div>

      {methodId && (
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
                    <span className={line.type === 'credit' || line.type === 'discount' ? 'credit' : ''}>{line.type === 'credit' || line.type === 'discount' ? `−${money(line.amountCents)}` : money(line.amountCents)}</span>
                  </li>
                ))}
              </ul>
              <dl className="preview-sums">
                <div><dt>Items</dt><dd>{money(preview.itemsCents)}</dd></div>
                {preview.creditsCents > 0 && <div><dt>Credits</dt><dd className="credit">−{money(preview.creditsCents)}</dd></div>}
                {(preview.discountCents > 0 || billsByStatement) && (
                  <>
                    <div><dt>Statement discount</dt><dd className={preview.discountCents > 0 ? 'credit' : ''}>{preview.discountCents > 0 ? `−${money(preview.discountCents)}` : money(0)}</dd></div>
                    {preview.discountReason && <p className="small muted reason">{preview.discountReason}</p>}
                  </>
                )}
                <div><dt>Fee</dt><dd>{money(preview.feeCents)}</dd></div>
                {preview.feeExplanation && <p className="small muted reason">{preview.feeExplanation}</p>}
                <div className="total"><dt>Total charged</dt><dd>{money(preview.amountCents)}</dd></div>
              </dl>
              {preview.errors.map((problem) => <ErrorMessage key={problem.code} error={problem.message} />)}
              <ErrorMessage error={submitError} />
              <button type="button" className="primary wide pay-button" disabled={blocked || submitting} onClick={submit}>
                {submitting ? 'Submitting…' : `Pay ${money(preview.amountCents)}`}
              </button>
              <p className="small muted center">This is exactly the amount that will be charged.</p>
            </>
          )}
        </div>
      )}
      {!methodId && methods && methods.length > 0 && <Notice>Choose a payment method to see the total.</Notice>}
    </section>
  );
}

/** The card form: what is typed here goes to the processor, never to our server. */
function CardForm({ onSubmit, onCancel }: { onSubmit: (card: CardInput) => Promise<void>; onCancel: () => void }) {
  const [card, setCard] = useState<CardInput>({ holderName: '', cardNumber: '', expMonth: '', expYear: '', cvv: '', postalCode: '', state: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: keyof CardInput) => (event: { target: { value: string } }) => setCard({ ...card, [field]: event.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(card);
    } catch (caught) {
      setError(messageOf(caught));
      setBusy(false);
    }
  };
  return (
    <form className="card-form stack" onSubmit={submit} autoComplete="on">
      <p className="small muted">Card details go straight to our payment processor; we only keep the brand and last four digits.</p>
      <ErrorMessage error={error} />
      <Field label="Name on card"><input autoComplete="cc-name" required value={card.holderName} onChange={set('holderName')} /></Field>
      <Field label="Card number"><input autoComplete="cc-number" inputMode="numeric" required value={card.cardNumber} onChange={set('cardNumber')} /></Field>
      <div className="row">
        <Field label="Month"><input autoComplete="cc-exp-month" inputMode="numeric" placeholder="MM" maxLength={2} required value={card.expMonth} onChange={set('expMonth')} /></Field>
        <Field label="Year"><input autoComplete="cc-exp-year" inputMode="numeric" placeholder="YY" maxLength={4} required value={card.expYear} onChange={set('expYear')} /></Field>
        <Field label="CVV"><input autoComplete="cc-csc" inputMode="numeric" maxLength={4} required value={card.cvv} onChange={set('cvv')} /></Field>
      </div>
      <div className="row">
        <Field label="Billing ZIP"><input autoComplete="postal-code" inputMode="numeric" required value={card.postalCode} onChange={set('postalCode')} /></Field>
        <Field label="State"><input autoComplete="address-level1" maxLength={2} placeholder="TX" value={card.state} onChange={set('state')} /></Field>
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving card…' : 'Use this card'}</button>
        <button type="button" className="ghost" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
