import { useEffect, useState } from 'react';
import { messageOf, post } from '../api';
import { ErrorMessage, Loading } from '../components/ui';

interface Invitation {
  dealerName: string;
  accountName: string;
  erpAccountId: string;
  email: string;
}

/**
 * Opened from the email's decline link. Opening it only shows what declining means: mail
 * scanners and link previews open links too, and a customer who clicked by mistake must be
 * able to back out. Only the button declines.
 */
export function Decline({ token }: { token: string }) {
  const [invitation, setInvitation] = useState<Invitation | null>(null);
  const [declined, setDeclined] = useState<{ dealerName: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!token) return setError('This link is incomplete. Open the link from the email again.');
    post<Invitation>('/invitations/lookup', { token }, { quiet401: true }).then(setInvitation, (caught) => setError(messageOf(caught)));
  }, [token]);

  const decline = async () => {
    setBusy(true);
    setError(null);
    try {
      setDeclined(await post<{ dealerName: string }>('/invitations/decline', { token }, { quiet401: true }));
    } catch (caught) {
      setError(messageOf(caught));
      setBusy(false);
    }
  };

  if (declined) {
    return (
      <div className="card form">
        <h1>Invitation declined</h1>
        <p>You declined the invitation from <strong>{declined.dealerName}</strong>. Nothing else is needed. If you change your mind, ask them to send a new invitation.</p>
      </div>
    );
  }

  return (
    <div className="card form">
      <h1>Decline this invitation?</h1>
      <ErrorMessage error={error} />
      {!invitation && !error && <Loading what="Looking up the invitation" />}
      {invitation && (
        <>
          <p><strong>{invitation.dealerName}</strong> invited {invitation.email} to pay account <strong>{invitation.accountName}</strong> ({invitation.erpAccountId}) online.</p>
          <ul className="decline-explained">
            <li>This invitation link stops working and no login is created.</li>
            <li>Nothing changes about what you owe or how you pay {invitation.dealerName} today.</li>
            <li>To use the Payments portal later, ask {invitation.dealerName} to send a new invitation.</li>
          </ul>
          <div className="row wrap">
            <button type="button" className="primary" onClick={decline} disabled={busy}>{busy ? 'Declining…' : 'Decline invitation'}</button>
            <a className="button ghost" href={`#/register?token=${encodeURIComponent(token)}`}>Accept instead</a>
          </div>
        </>
      )}
    </div>
  );
}
