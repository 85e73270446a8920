import { useState, type FormEvent } from 'react';
import { messageOf, post } from '../api';
import { ErrorMessage, Field } from '../components/ui';
import type { Session } from '../types';

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await post<Session>('/auth/sign-in', { email, password }, { quiet401: true }));
    } catch (caught) {
      setError(messageOf(caught));
      setBusy(false);
    }
  };

  return (
    <form className="card form" onSubmit={submit}>
      <h1>Sign in</h1>
      <p className="muted">Pay your suppliers online and keep your receipts in one place.</p>
      <ErrorMessage error={error} />
      <Field label="Email">
        <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </Field>
      <Field label="Password">
        <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </Field>
      <button className="primary wide" type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      <p className="center"><a href="#/forgot-password">Forgot your password?</a></p>
    </form>
  );
}
