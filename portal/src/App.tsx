import { useCallback, useEffect, useState } from 'react';
import { get, onSessionLost, post, setCsrfToken } from './api';
import { Layout } from './components/Layout';
import { Autopay } from './pages/Autopay';
import { Decline } from './pages/Decline';
import { ForgotPassword } from './pages/ForgotPassword';
import { LienWaivers } from './pages/LienWaivers';
import { Outstanding } from './pages/Outstanding';
import { Pay } from './pages/Pay';
import { PayLink } from './pages/PayLink';
import { linkedItemIds } from './pay-link';
import { PaymentConfirmation } from './pages/PaymentConfirmation';
import { PaymentDetailPage } from './pages/PaymentDetail';
import { Payments } from './pages/Payments';
import { Register } from './pages/Register';
import { ResetPassword } from './pages/ResetPassword';
import { SignIn } from './pages/SignIn';
import { Suppliers } from './pages/Suppliers';
import { Approvals } from './pages/Approvals';
import { JobLink } from './pages/JobLink';
import { Team } from './pages/Team';
import { clearPendingAttempt, loadSelection, saveSelection } from './pay-attempt';
import { navigate, useRoute } from './router';
import type { Selection } from './selection';
import type { Session } from './types';

const PUBLIC_PAGES = new Set(['sign-in', 'forgot-password', 'reset-password', 'register', 'decline', 'job-link']);

export function App() {
  const route = useRoute();
  // undefined while the session is being checked, null when signed out.
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  // Kept in the tab's sessionStorage so a reload on the way to paying keeps what was chosen.
  const [selection, setSelectionState] = useState<Selection | null>(loadSelection);
  const setSelection = useCallback((next: Selection | null) => {
    saveSelection(next);
    setSelectionState(next);
  }, []);
  // What opening an emailed pay link found, for the Pay page to say; cleared on leaving it.
  const [payNotice, setPayNotice] = useState<string | null>(null);

  const signedIn = useCallback((next: Session | null) => {
    setCsrfToken(next?.csrfToken ?? null);
    setSession(next);
    if (!next) {
      setSelection(null);
      clearPendingAttempt();
    }
  }, [setSelection]);

  useEffect(() => {
    onSessionLost(() => signedIn(null));
    get<Session>('/auth/session', { quiet401: true }).then(signedIn, () => signedIn(null));
  }, [signedIn]);

  const signOut = async () => {
    await post('/auth/sign-out').catch(() => undefined);
    signedIn(null);
    navigate('/sign-in');
  };

  const [page = '', id] = route.path;
  useEffect(() => {
    if (page !== 'pay') setPayNotice(null);
  }, [page]);
  const token = route.query.get('token') ?? '';

  if (PUBLIC_PAGES.has(page)) {
    return (
      <Layout session={null} onSignOut={signOut} minimal>
        {page === 'sign-in' && <SignIn onSignedIn={(next) => { signedIn(next); navigate(route.query.get('next') ?? '/', { replace: true }); }} />}
        {page === 'forgot-password' && <ForgotPassword />}
        {page === 'reset-password' && <ResetPassword token={token} />}
        {page === 'register' && <Register token={token} onRegistered={(next) => { signedIn(next); navigate('/', { replace: true }); }} />}
        {page === 'decline' && <Decline token={token} />}
        {page === 'job-link' && <JobLink token={token} />}
      </Layout>
    );
  }

  if (session === undefined) return <Layout session={null} onSignOut={signOut} minimal><p className="muted center">Loading…</p></Layout>;
  if (session === null) {
    return (
      <Layout session={null} onSignOut={signOut} minimal>
        <SignIn onSignedIn={signedIn} />
      </Layout>
    );
  }

  let content;
  switch (page) {
    case '':
      content = <Suppliers />;
      break;
    case 'outstanding':
      content = <Outstanding dealerId={id ?? ''} view={route.query.get('view')} selection={selection} onSelect={setSelection} />;
      break;
    case 'pay': {
      const linked = linkedItemIds(route.query.get('items'));
      content = linked.length > 0
        // An emailed link (`#/pay/<dealer>?items=…`): choose those items, then show the plain Pay page.
        ? <PayLink dealerId={id ?? ''} itemIds={linked} onReady={(chosen, note) => { setSelection(chosen); setPayNotice(note); navigate(`/pay/${id ?? ''}`, { replace: true }); }} />
        : <Pay dealerId={id ?? ''} selection={selection} notice={payNotice} onSelectionChange={setSelection} onPaid={(paymentId) => { setSelection(null); setPayNotice(null); navigate(`/paid/${paymentId}`, { replace: true }); }} onScheduled={() => { setSelection(null); setPayNotice(null); navigate('/payments?scheduled=1', { replace: true }); }} onApprovalRequested={() => { setSelection(null); setPayNotice(null); navigate('/approvals?requested=1', { replace: true }); }} />;
      break;
    }
    case 'paid':
      content = <PaymentConfirmation paymentId={id ?? ''} />;
      break;
    case 'payments':
      content = id ? <PaymentDetailPage paymentId={id} /> : <Payments justScheduled={route.query.get('scheduled') === '1'} />;
      break;
    case 'autopay':
      content = <Autopay />;
      break;
    case 'lien-waivers':
      content = <LienWaivers jobId={route.query.get('job')} />;
      break;
    case 'approvals':
      content = <Approvals justRequested={route.query.get('requested') === '1'} />;
      break;
    case 'team':
      content = <Team />;
      break;
    default:
      content = <div className="card"><h1>Page not found</h1><p><a href="#/">Go to your suppliers</a></p></div>;
  }
  return (
    <Layout session={session} onSignOut={signOut} active={page === 'payments' ? 'payments' : page === 'lien-waivers' ? 'lien-waivers' : page === 'autopay' ? 'autopay' : page === 'approvals' ? 'approvals' : page === 'team' ? 'team' : 'outstanding'}>
      {content}
    </Layout>
  );
}
