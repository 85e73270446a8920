import { useState, type FormEvent } from 'react';
import { messageOf, post } from '../api';
import { ErrorMessage, Field, Notice } from '../components/ui';

export function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await post<{ message: string }>('/auth/forgot-password', { email }, { quiet401: true });
      setSent(answer.message);
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card form" onSubmit={submit}>
      <h1>Reset your password</h1>
      {sent ? (
        <>
          <Notice>{sent}</Notice>
          <p className="center"><a href="#/sign-in">Back to sign in</a></p>
        </>
      ) : (
        <>
          <p className="muted">Enter the email you sign in with. We will send you a link to choose a new password.</p>
          <ErrorMessage error={error} />
          <Field label="Email">
            <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </Field>
          <button className="primary wide" type="submit" disabled={busy}>Send reset link</button>
          <p className="center"><a href="#/sign-in">Back to sign in</a></p>
        </>
      )}
    </form>
  );
}
