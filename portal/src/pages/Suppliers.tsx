import { useEffect } from 'react';
import { get } from '../api';
import { ErrorMessage, Loading } from '../components/ui';
import { money } from '../format';
import { navigate } from '../router';
import type { DealerSummary } from '../types';
import { useLoad } from '../use-load';

/** Supplier selection; with a single supplier it goes straight to what is owed there. */
export function Suppliers() {
  const { data: dealers, error } = useLoad(() => get<DealerSummary[]>('/dealers'), 'dealers');

  useEffect(() => {
    if (dealers?.length === 1) navigate(`/outstanding/${dealers[0]!.id}`, { replace: true });
  }, [dealers]);

  if (error) return <ErrorMessage error={error} />;
  if (!dealers || dealers.length === 1) return <Loading />;
  if (dealers.length === 0) {
    return (
      <div className="card">
        <h1>No suppliers yet</h1>
        <p className="muted">Your login is not linked to any supplier account right now. Ask your supplier to send you an invitation.</p>
      </div>
    );
  }
  return (
    <section>
      <h1>Choose a supplier</h1>
      <ul className="supplier-list">
        {dealers.map((dealer) => (
          <li key={dealer.id}>
            <a className="card supplier" href={`#/outstanding/${dealer.id}`}>
              <strong>{dealer.name}</strong>
              <span className="muted">{dealer.accounts.map((account) => `${account.name} · ${account.erpAccountId}`).join(', ')}</span>
              <span className="supplier-balance">{dealer.openBalanceCents > 0 ? <>{money(dealer.openBalanceCents)} <span className="muted small">open</span></> : dealer.openBalanceCents < 0 ? <>{money(-dealer.openBalanceCents)} <span className="muted small">in credit</span></> : <span className="muted small">Nothing owed</span>}</span>
              <span className="chevron" aria-hidden="true">›</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
