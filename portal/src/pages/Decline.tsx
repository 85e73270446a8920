import { useEffect, useState } from 'react';
import { messageOf, post } from '../api';
import { ErrorMessage, Loading } from '../components/ui';

/** Opened from the email's decline link: declining is that one click. */
export function Decline({ token }: { token: string }) {
  const [result, setResult] = useState<{ dealerName: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!token) return setError('This link is incomplete. Open the link from the email again.');
    post<{ dealerName: string }>('/invitations/decline', { token }, { quiet401: true }).then(setResult, (caught) => setError(messageOf(caught)));
  }, [token]);

  return (
    <div className="card form">
      <h1>Invitation declined</h1>
      {error ? <ErrorMessage error={error} /> : result ? (
        <p>You declined the invitation from <strong>{result.dealerName}</strong>. Nothing else is needed. If you change your mind, ask them to send a new invitation.</p>
      ) : <Loading what="Declining" />}
    </div>
  );
}
