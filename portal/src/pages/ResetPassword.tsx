import { useState, type FormEvent } from 'react';
import { messageOf, post } from '../api';
import { ErrorMessage, Field, Notice } from '../components/ui';
import { PASSWORD_RULES, passwordMismatch } from './password-rules';

export function ResetPassword({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(token ? null : 'This reset link is incomplete. Open the link from the email again.');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const mismatch = passwordMismatch(password, confirm);
    if (mismatch) return setError(mismatch);
    setBusy(true);
    setError(null);
    try {
      await post('/auth/reset-password', { token, password }, { quiet401: true });
      setDone(true);
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <div className="card form">
        <h1>Password changed</h1>
        <Notice>Your new password is set. Every other session was signed out.</Notice>
        <a className="button primary wide" href="#/sign-in">Sign in</a>
      </div>
    );
  }
  return (
    <form className="card form" onSubmit={submit}>
      <h1>Choose a new password</h1>
      <ErrorMessage error={error} />
      <Field label="New password" hint={PASSWORD_RULES}>
        <input type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </Field>
      <Field label="New password again">
        <input type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
      </Field>
      <button className="primary wide" type="submit" disabled={busy || !token}>Set password</button>
    </form>
  );
}
