import { useEffect, useState, type FormEvent } from 'react';
import { get, messageOf } from '../api';
import { InvoiceDocuments } from '../components/InvoiceDocuments';
import { AgeBadge, ErrorMessage, Field, Loading } from '../components/ui';
import { centsToInput, dateOnly, money, parseDollars } from '../format';
import { navigate } from '../router';
import { allItems, itemsPage, type ItemsFilter } from '../outstanding-items';
import {
  fullStatement, isSelected, missingShortPayNote, payAnAmount, selectionTotal, setItemAmount, setItemsSelected, toggleItem, type Selection,
} from '../selection';
import { JOB_PAGE_ITEMS } from '../../../contracts/portal/outstanding';
import type { ShortPay } from '../../../contracts/portal/payments';
import { SHORT_PAY_NOTE_MAX, SHORT_PAY_REASONS } from '../../../domain/short-pay';
import type { AccountOutstanding, DealerSummary, JobGroup, Outstanding as OutstandingData, OutstandingItem, View } from '../types';
import { useLoad } from '../use-load';

const VIEWS: Array<{ view: View; label: string }> = [
  { view: 'all', label: 'All' },
  { view: 'current_statement', label: 'Current Statement' },
  { view: 'new_charges', label: 'New Charges' },
];

const TYPE_LABEL = { invoice: 'Invoice', debit: 'Debit', credit: 'Credit' } as const;

interface Props {
  dealerId: string;
  view: string | null;
  selection: Selection | null;
  onSelect: (selection: Selection | null) => void;
}

/** Everything owed to one supplier, grouped by job, with what to pay picked right here. */
export function Outstanding({ dealerId, view: requestedView, selection, onSelect }: Props) {
  const view: View = requestedView === 'current_statement' || requestedView === 'new_charges' ? requestedView : 'all';
  const { data, error, loading } = useLoad(() => get<OutstandingData>(`/outstanding?dealerId=${encodeURIComponent(dealerId)}&view=${view}`), `${dealerId}:${view}`);
  const { data: dealers } = useLoad(() => get<DealerSummary[]>('/dealers'), 'dealers');

  if (error) return <><ErrorMessage error={error} /><p><a href="#/">Back to your suppliers</a></p></>;
  if (!data) return <Loading />;

  const ownSelection = selection && selection.dealerId === dealerId ? selection : null;
  const partialAllowed = data.dealer.allowPartialPayments;

  return (
    <section className="outstanding">
      <div className="page-head">
        <div>
          <p className="eyebrow">What you owe</p>
          <h1>{data.dealer.name}</h1>
        </div>
        {dealers && dealers.length > 1 && <a className="button ghost small" href="#/">Change supplier</a>}
      </div>

      {data.dealer.billsByStatement && (
        <div className="tabs" role="tablist" aria-label="Which items">
          {VIEWS.map((option) => (
            <a key={option.view} role="tab" aria-selected={view === option.view} className={view === option.view ? 'tab active' : 'tab'} href={`#/outstanding/${dealerId}?view=${option.view}`}>
              {option.label}
            </a>
          ))}
        </div>
      )}
      {loading && <p className="muted small">Refreshing…</p>}

      {data.accounts.map((account) => (
        <AccountSection
          key={account.id}
          dealerId={dealerId}
          account={account}
          view={view}
          showAccountName={data.accounts.length > 1}
          partialAllowed={partialAllowed}
          overpaymentAllowed={data.dealer.allowOverpayment}
          selection={ownSelection}
          onSelect={onSelect}
        />
      ))}

      <SelectionBar dealerId={dealerId} selection={ownSelection} onClear={() => onSelect(null)} />
    </section>
  );
}

function AccountSection({ dealerId, account, view, showAccountName, partialAllowed, overpaymentAllowed, selection, onSelect }: {
  dealerId: string;
  account: AccountOutstanding;
  view: View;
  showAccountName: boolean;
  partialAllowed: boolean;
  overpaymentAllowed: boolean;
  selection: Selection | null;
  onSelect: (selection: Selection | null) => void;
}) {
  const accountSelection = selection?.accountId === account.id ? selection : null;
  const statement = account.statement;
  const statementInFlight = Boolean(statement && statement.itemCount > 0 && statement.payableItemCount === 0 && statement.reservedItemCount > 0);
  const [statementError, setStatementError] = useState<string | null>(null);
  const [statementBusy, setStatementBusy] = useState(false);
  // The first answer may hold only part of a long statement; paying it in full needs every item.
  const payFullStatement = async () => {
    if (!statement) return;
    setStatementBusy(true);
    setStatementError(null);
    try {
      const items = await allItems({ dealerId, view: 'current_statement', accountId: account.id });
      onSelect(fullStatement(dealerId, account.id, statement.id, items));
      navigate(`/pay/${dealerId}`);
    } catch (failure) {
      setStatementError(messageOf(failure));
    } finally {
      setStatementBusy(false);
    }
  };
  const jobProps = {
    dealerId, view, accountId: account.id, partialAllowed, selection: accountSelection,
    onToggle: (item: OutstandingItem) => onSelect(toggleItem(selection, dealerId, account.id, view, item)),
    onSelectMany: (items: OutstandingItem[], selected: boolean) => onSelect(setItemsSelected(selection, dealerId, account.id, view, items, selected)),
    onAmount: (item: OutstandingItem, cents: number, shortPay?: ShortPay | null) => accountSelection && onSelect(setItemAmount(accountSelection, item.id, cents, shortPay)),
  };

  return (
    <div className="account">
      {showAccountName && <h2 className="account-name">{account.name} <span className="muted">· {account.erpAccountId}</span></h2>}
      {account.credit.onHold && (
        <p className="credit-hold danger" role="status">
          <strong>On credit hold</strong>
          {account.credit.holdReason === 'over_limit' ? ' · over the credit limit' : account.credit.holdReason === 'past_due' ? ' · past due' : ''}
          {account.credit.availableCents !== null && <> · available credit {money(account.credit.availableCents)}</>}
          {' '}— a payment that clears brings the account back within its terms and releases the hold.
        </p>
      )}
      {!account.credit.onHold && account.credit.availableCents !== null && (
        <p className="credit-available muted">Available credit {money(account.credit.availableCents)}</p>
      )}
      <dl className="totals">
        <div><dt>Total owed</dt><dd>{money(account.totals.netCents)}</dd></div>
        <div><dt>Past due</dt><dd className={account.totals.pastDueCents > 0 ? 'danger' : ''}>{money(account.totals.pastDueCents)}</dd></div>
        <div><dt>Credits</dt><dd>{money(account.totals.creditsCents)}</dd></div>
        {account.unappliedCreditCents > 0 && <div className="unapplied-credit"><dt>Unapplied credit</dt><dd className="credit">{money(account.unappliedCreditCents)}</dd></div>}
      </dl>
      {account.unappliedCreditCents > 0 && (
        <p className="small muted">You have {money(account.unappliedCreditCents)} of credit on account from an earlier payment. Select invoices and apply it on the Pay page; nothing is charged for what it covers.</p>
      )}

      {view === 'current_statement' && (
        account.statement ? (
          <div className="card statement">
            <div className="statement-head">
              <div>
                <p className="eyebrow">Statement {account.statement.number} · {dateOnly(account.statement.statementDate)}</p>
                <p className="statement-balance">{money(account.statement.balanceCents)}</p>
                <p className="muted small">Due {dateOnly(account.statement.dueDate)}{account.statement.openCents !== account.statement.balanceCents && ` · ${money(account.statement.openCents)} still open`}</p>
              </div>
              <button type="button" className="primary" onClick={() => void payFullStatement()} disabled={statementBusy || account.statement.status !== 'open' || account.statement.payableItemCount === 0}>
                Pay full statement
              </button>
            </div>
            <ErrorMessage error={statementError} />
            {statementInFlight && <p className="discount">A payment for this statement is being processed.</p>}
            {account.statement.discountCents > 0 && !statementInFlight && (
              <p className={account.statement.discountAvailable ? 'discount available' : 'discount'}>
                {account.statement.discountAvailable
                  ? `Pay the full statement by ${dateOnly(account.statement.discountDate ?? account.statement.dueDate)} and ${money(account.statement.discountCents)} comes off.`
                  : `The ${money(account.statement.discountCents)} early-payment discount ended on ${dateOnly(account.statement.discountDate ?? account.statement.dueDate)}.`}
              </p>
            )}
          </div>
        ) : <p className="card muted">No statement has been issued for this account yet.</p>
      )}

      {account.jobs.length === 0 ? (
        <p className="card muted center">{view === 'new_charges' ? 'No new charges since the last statement.' : 'Nothing is owed here right now.'}</p>
      ) : account.jobs.length === 1 && account.jobs[0]!.jobId === null ? (
        // An account that does not bill by job: a "Not assigned to a job" heading over everything would only suggest something is missing.
        <div className="card job-body flat-items">
          <JobItems job={account.jobs[0]!} selectLabel="Select everything" clearLabel="Clear everything" {...jobProps} />
        </div>
      ) : (
        <ul className="jobs">
          {account.jobs.map((job, index) => <JobRow key={job.jobId ?? 'none'} job={job} initiallyOpen={index === 0} {...jobProps} />)}
        </ul>
      )}

      <PayAnAmount onContinue={(cents) => { onSelect(payAnAmount(dealerId, account.id, cents)); navigate(`/pay/${dealerId}`); }} max={account.totals.netCents} overpaymentAllowed={overpaymentAllowed} />
    </div>
  );
}

interface JobItemsProps {
  dealerId: string;
  view: View;
  accountId: string;
  partialAllowed: boolean;
  selection: Selection | null;
  onToggle: (item: OutstandingItem) => void;
  onSelectMany: (items: OutstandingItem[], selected: boolean) => void;
  onAmount: (item: OutstandingItem, cents: number, shortPay?: ShortPay | null) => void;
}

function JobRow({ job, initiallyOpen, ...props }: JobItemsProps & { job: JobGroup; initiallyOpen: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const counts = [
    job.invoiceCount && `${job.invoiceCount} invoice${job.invoiceCount === 1 ? '' : 's'}`,
    job.debitCount && `${job.debitCount} debit${job.debitCount === 1 ? '' : 's'}`,
    job.creditCount && `${job.creditCount} credit${job.creditCount === 1 ? '' : 's'}`,
  ].filter(Boolean).join(' · ');

  return (
    <li className={open ? 'card job open' : 'card job'}>
      <button type="button" className="job-head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="job-title">
          <span className="job-name">{job.jobName}</span>
          <span className="muted small">{counts}</span>
        </span>
        <AgeBadge age={job.pastDueAge} />
        <span className="job-amounts">
          <span className="amount">{money(job.balanceCents)}</span>
          {job.creditsCents > 0 && <span className="credit small">−{money(job.creditsCents)} credit</span>}
        </span>
        <span className="chevron" aria-hidden="true">{open ? '▾' : '▸'}</span>
      </button>
      {open && (
        <div className="job-body">
          <JobItems job={job} selectLabel="Select everything in this job" clearLabel="Clear this job" {...props} />
          {job.jobId && <p className="small"><a href={`#/lien-waivers?job=${job.jobId}`}>Lien waivers for this job</a></p>}
        </div>
      )}
    </li>
  );
}

/**
 * A job's items: those the first answer carried, then further pages fetched when the job is
 * opened with none shown, when "Show more" is pressed, or when everything in it is selected.
 */
function useJobItems(dealerId: string, view: View, accountId: string, job: JobGroup) {
  const [fetched, setFetched] = useState<OutstandingItem[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A refreshed answer starts the job over: fetched pages may hold items paid since.
  useEffect(() => setFetched([]), [job]);
  const items = fetched.length ? [...job.items, ...fetched] : job.items;
  const remaining = Math.max(job.items.length + job.moreItems - items.length, 0);
  const filter: ItemsFilter = { dealerId, view, accountId, jobId: job.jobId };
  const fetching = async <T,>(work: () => Promise<T>): Promise<T | null> => {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (failure) {
      setError(messageOf(failure));
      return null;
    } finally {
      setBusy(false);
    }
  };
  const showMore = () => fetching(async () => {
    const page = await itemsPage(filter, items.length, JOB_PAGE_ITEMS);
    setFetched((before) => [...before, ...page.items]);
  });
  const everything = async (): Promise<OutstandingItem[] | null> => {
    if (remaining === 0) return items;
    const rest = await fetching(() => allItems(filter, items.length));
    if (!rest) return null;
    setFetched((before) => [...before, ...rest]);
    return [...items, ...rest];
  };
  return { items, remaining, busy, error, showMore, everything };
}

function JobItems({ job, selectLabel, clearLabel, dealerId, view, accountId, partialAllowed, selection, onToggle, onSelectMany, onAmount }: JobItemsProps & {
  job: JobGroup;
  selectLabel: string;
  clearLabel: string;
}) {
  const { items, remaining, busy, error, showMore, everything } = useJobItems(dealerId, view, accountId, job);
  useEffect(() => {
    if (items.length === 0 && remaining > 0) void showMore();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [job]);
  const payable = items.filter((item) => item.payableCents > 0);
  const allSelected = remaining === 0 && payable.length > 0 && payable.every((item) => isSelected(selection, item));
  const selectAll = async () => {
    const all = await everything();
    if (all) onSelectMany(all, !allSelected);
  };
  return (
    <>
      {(payable.length > 1 || remaining > 0) && (
        <button type="button" className="link-button small select-all" disabled={busy} onClick={() => void selectAll()}>{allSelected ? clearLabel : selectLabel}</button>
      )}
      <ul className="items">
        {items.map((item) => (
          <ItemRow key={item.id} item={item} selection={selection} partialAllowed={partialAllowed} onToggle={() => onToggle(item)} onAmount={(cents, shortPay) => onAmount(item, cents, shortPay)} />
        ))}
      </ul>
      {remaining > 0 && (
        <button type="button" className="ghost small show-more" disabled={busy} onClick={() => void showMore()}>
          {busy ? 'Loading…' : `Show ${Math.min(remaining, JOB_PAGE_ITEMS)} more of ${remaining}`}
        </button>
      )}
      <ErrorMessage error={error} />
    </>
  );
}

function ItemRow({ item, selection, partialAllowed, onToggle, onAmount }: {
  item: OutstandingItem;
  selection: Selection | null;
  partialAllowed: boolean;
  onToggle: () => void;
  onAmount: (cents: number, shortPay?: ShortPay | null) => void;
}) {
  const selected = isSelected(selection, item);
  const chosen = selection?.items.find((candidate) => candidate.id === item.id);
  const [draft, setDraft] = useState<string | null>(null);
  const canPartial = partialAllowed && item.type === 'invoice' && selected;
  const draftCents = draft === null ? null : parseDollars(draft);
  const draftInvalid = draft !== null && (draftCents === null || draftCents > item.payableCents);
  const detail = [
    item.type === 'invoice' && item.dueDate ? `Due ${dateOnly(item.dueDate)}` : item.date ? dateOnly(item.date) : null,
    item.daysPastDue > 0 ? `${item.daysPastDue} days past due` : null,
    item.poNumber ? `PO ${item.poNumber}` : null,
    item.appliesToInvoiceNumber ? `for invoice ${item.appliesToInvoiceNumber}` : null,
    item.description,
  ].filter(Boolean).join(' · ');

  return (
    <li className={selected ? 'item selected' : 'item'}>
      <label className="item-main">
        <input type="checkbox" checked={selected} disabled={item.payableCents === 0} onChange={onToggle} aria-label={`${TYPE_LABEL[item.type]} ${item.number}`} />
        <span className="item-text">
          <span><span className={`type ${item.type}`}>{TYPE_LABEL[item.type]}</span> {item.number}</span>
          <span className="muted small">{detail}</span>
          {item.reservedCents > 0 && <span className="small warn-text">{money(item.reservedCents)} already in a payment being processed</span>}
          {item.termsDiscount && (
            <span className="small credit">
              {money(item.termsDiscount.cents)} off when paid in full by {dateOnly(item.termsDiscount.lastDay)}{item.termsDiscount.terms ? ` (${item.termsDiscount.terms})` : ''}
            </span>
          )}
        </span>
        <span className={item.type === 'credit' ? 'amount credit' : 'amount'}>{item.type === 'credit' ? `−${money(item.balanceCents)}` : money(item.balanceCents)}</span>
      </label>
      {item.type === 'invoice' && <InvoiceDocuments invoiceId={item.id} invoiceNumber={item.number} />}
      {canPartial && chosen && (
        <div className="partial">
          <label>
            <span className="small muted">Pay</span>
            <input
              inputMode="decimal"
              className={draftInvalid ? 'invalid' : ''}
              value={draft ?? centsToInput(chosen.amountCents)}
              onChange={(event) => {
                setDraft(event.target.value);
                const cents = parseDollars(event.target.value);
                if (cents !== null && cents <= item.payableCents) onAmount(cents);
              }}
              onBlur={() => setDraft(null)}
              aria-label={`Amount to pay on invoice ${item.number}`}
            />
          </label>
          <span className="small muted">of {money(item.payableCents)}</span>
          {draftInvalid && <span className="small danger">Enter up to {money(item.payableCents)}</span>}
        </div>
      )}
      {canPartial && chosen && chosen.amountCents < item.payableCents && (
        <ShortPayReason item={item} shortPay={chosen.shortPay} onChange={(shortPay) => onAmount(chosen.amountCents, shortPay)} />
      )}
    </li>
  );
}

/**
 * Paying less than what is owed may be a claim (a damaged load, a short shipment, a price in
 * question): saying so puts it in front of the dealer's AR team and stops reminders for the item.
 */
function ShortPayReason({ item, shortPay, onChange }: { item: OutstandingItem; shortPay: ShortPay | undefined; onChange: (shortPay: ShortPay | null) => void }) {
  const noteMissing = shortPay?.reason === 'other' && !shortPay.note?.trim();
  return (
    <div className="partial short-pay">
      <label>
        <span className="small muted">Paying less because</span>
        <select
          value={shortPay?.reason ?? ''}
          onChange={(event) => onChange(event.target.value ? { reason: event.target.value as ShortPay['reason'], note: shortPay?.note } : null)}
          aria-label={`Reason for paying less on invoice ${item.number}`}
        >
          <option value="">I will pay the rest later</option>
          {SHORT_PAY_REASONS.map((reason) => <option key={reason} value={reason}>{SHORT_PAY_CHOICE[reason]}</option>)}
        </select>
      </label>
      {shortPay && (
        <input
          className={noteMissing ? 'invalid note' : 'note'}
          value={shortPay.note ?? ''}
          maxLength={SHORT_PAY_NOTE_MAX}
          placeholder={shortPay.reason === 'other' ? 'What is wrong? (required)' : 'Details for your supplier (optional)'}
          onChange={(event) => onChange({ reason: shortPay.reason, note: event.target.value })}
          aria-label={`What happened with invoice ${item.number}`}
        />
      )}
      {noteMissing && <span className="small danger">Say what is wrong so your supplier can look into it.</span>}
    </div>
  );
}

const SHORT_PAY_CHOICE: Record<ShortPay['reason'], string> = {
  damaged: 'Something arrived damaged',
  short_shipped: 'Not everything was delivered',
  pricing: 'The price is not what we agreed',
  other: 'Another problem',
};

function PayAnAmount({ onContinue, max, overpaymentAllowed }: { onContinue: (cents: number) => void; max: number; overpaymentAllowed: boolean }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const cents = parseDollars(text);
    if (cents === null) return setError('Enter an amount like 1,250.00');
    if (cents > max && !overpaymentAllowed) return setError(`That is more than the ${money(max)} owed.`);
    onContinue(cents);
  };
  if (max <= 0 && !overpaymentAllowed) return null;
  if (!open) return <button type="button" className="link-button pay-amount-toggle" onClick={() => setOpen(true)}>Or pay an amount of your choice</button>;
  return (
    <form className="card pay-amount" onSubmit={submit}>
      <Field label="Amount to pay" hint={overpaymentAllowed ? 'Applied to your oldest invoices first; anything above what you owe is kept as credit on your account.' : 'Applied to your oldest invoices first.'}>
        <input inputMode="decimal" value={text} onChange={(e) => { setText(e.target.value); setError(null); }} placeholder="0.00" autoFocus />
      </Field>
      <ErrorMessage error={error} />
      <div className="row">
        <button type="submit" className="primary">Continue</button>
        <button type="button" className="ghost" onClick={() => setOpen(false)}>Cancel</button>
      </div>
    </form>
  );
}

function SelectionBar({ dealerId, selection, onClear }: { dealerId: string; selection: Selection | null; onClear: () => void }) {
  if (!selection || selection.sourceView === 'amount' || selection.items.length === 0) return null;
  const total = selectionTotal(selection);
  const count = selection.items.length;
  return (
    <div className="selection-bar" role="region" aria-label="Selected items">
      <div>
        <strong>{count} item{count === 1 ? '' : 's'} · {money(total)}</strong>
        <button type="button" className="link-button small" onClick={onClear}>Clear</button>
      </div>
      <button type="button" className="primary" disabled={total <= 0 || Boolean(missingShortPayNote(selection))} onClick={() => navigate(`/pay/${dealerId}`)}>Continue</button>
    </div>
  );
}
