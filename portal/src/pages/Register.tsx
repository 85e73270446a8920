import { useEffect, useState, type FormEvent } from 'react';
import { messageOf, post } from '../api';
import { ErrorMessage, Field, Loading } from '../components/ui';
import type { Session } from '../types';
import { PASSWORD_RULES, passwordMismatch } from './password-rules';

interface Invitation {
  dealerName: string;
  accountName: string;
  erpAccountId: string;
  email: string;
  expiresAt: string;
  existingLogin: boolean;
  termsVersion: string;
}

/** Registration from an invitation: a new login, or an existing login adding this account. */
export function Register({ token, onRegistered }: { token: string; onRegistered: (session: Session) => void }) {
  const [invitation, setInvitation] = useState<Invitation | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [mode, setMode] = useState<'new' | 'existing'>('new');

  useEffect(() => {
    if (!token) return setLoadError('This invitation link is incomplete. Open the link from the email again.');
    post<Invitation>('/invitations/lookup', { token }, { quiet401: true }).then(
      (found) => {
        setInvitation(found);
        setMode(found.existingLogin ? 'existing' : 'new');
      },
      (caught) => setLoadError(messageOf(caught)),
    );
  }, [token]);

  if (loadError) {
    return (
      <div className="card form">
        <h1>Invitation</h1>
        <ErrorMessage error={loadError} />
        <p className="center"><a href="#/sign-in">Sign in</a></p>
      </div>
    );
  }
  if (!invitation) return <Loading what="Opening your invitation" />;

  return (
    <div className="card form">
      <p className="eyebrow">Invitation from {invitation.dealerName}</p>
      <h1>{mode === 'new' ? 'Create your login' : 'Add this account to your login'}</h1>
      <p className="muted">
        Account <strong>{invitation.accountName}</strong> ({invitation.erpAccountId}). Once registered you can see what you owe by job and pay by bank transfer or card.
      </p>
      {mode === 'new'
        ? <NewLogin token={token} invitation={invitation} onRegistered={onRegistered} />
        : <ExistingLogin token={token} invitation={invitation} onRegistered={onRegistered} />}
      <p className="center small">
        {mode === 'new'
          ? <button type="button" className="link-button" onClick={() => setMode('existing')}>Already have a Payments login? Sign in to add this account</button>
          : <button type="button" className="link-button" onClick={() => setMode('new')}>Create a separate login instead</button>}
      </p>
      <p className="center small muted">Not expecting this? <a href={`#/decline?token=${encodeURIComponent(token)}`}>Decline the invitation</a></p>
    </div>
  );
}

function NewLogin({ token, invitation, onRegistered }: { token: string; invitation: Invitation; onRegistered: (session: Session) => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState(invitation.email);
  const [companyName, setCompanyName] = useState(invitation.accountName);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [acceptTerms, setAcceptTerms] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const mismatch = passwordMismatch(password, confirm);
    if (mismatch) return setError(mismatch);
    if (!acceptTerms) return setError('Accept the terms to register.');
    setBusy(true);
    setError(null);
    try {
      onRegistered(await post<Session>('/register', { token, name, email, companyName, password, acceptTerms, termsVersion: invitation.termsVersion }, { quiet401: true }));
    } catch (caught) {
      setError(messageOf(caught));
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="stack">
      <ErrorMessage error={error} />
      <Field label="Your name">
        <input autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Email" hint="You sign in with this address.">
        <input type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </Field>
      <Field label="Company">
        <input autoComplete="organization" required value={companyName} onChange={(e) => setCompanyName(e.target.value)} />
      </Field>
      <Field label="Password" hint={PASSWORD_RULES}>
        <input type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </Field>
      <Field label="Password again">
        <input type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
      </Field>
      <details className="terms">
        <summary>Terms of use (version {invitation.termsVersion})</summary>
        <p>You may use the portal to view and pay amounts your company owes the suppliers that invited it. Payments you submit are authorised by you and debited from the bank account or card you choose; bank transfers take one to three business days. Keep your password to yourself; everyone who pays should have their own login. Your supplier sees the payments you make and the payment method's last four digits, never full bank or card numbers.</p>
      </details>
      <label className="check">
        <input type="checkbox" checked={acceptTerms} onChange={(e) => setAcceptTerms(e.target.checked)} />
        <span>I accept the terms of use</span>
      </label>
      <button className="primary wide" type="submit" disabled={busy}>{busy ? 'Creating your login…' : 'Create login'}</button>
    </form>
  );
}

function ExistingLogin({ token, invitation, onRegistered }: { token: string; invitation: Invitation; onRegistered: (session: Session) => void }) {
  const [email, setEmail] = useState(invitation.email);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onRegistered(await post<Session>('/register/existing', { token, email, password }, { quiet401: true }));
    } catch (caught) {
      setError(messageOf(caught));
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="stack">
      <p>You already pay other suppliers here. Sign in and {invitation.dealerName} is added to your suppliers.</p>
      <ErrorMessage error={error} />
      <Field label="Email">
        <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </Field>
      <Field label="Password">
        <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </Field>
      <button className="primary wide" type="submit" disabled={busy}>{busy ? 'Signing in…' : `Sign in and add ${invitation.dealerName}`}</button>
      <p className="center small"><a href="#/forgot-password">Forgot your password?</a></p>
    </form>
  );
}
