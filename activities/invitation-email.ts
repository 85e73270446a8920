import type { OutgoingEmail } from '../integrations/mailer';
import { escapeHtml } from '../integrations/mailer';

export interface InvitationEmailInput {
  to: string;
  dealerName: string;
  accountName: string;
  erpAccountId: string;
  registerUrl: string;
  declineUrl: string;
  expiresAt: Date;
  dealerTimeZone: string;
}

/** The invitation as the customer reads it: who invites them, for which account, until when. */
export function invitationEmail(input: InvitationEmailInput): OutgoingEmail {
  const until = input.expiresAt.toLocaleString('en-US', { timeZone: input.dealerTimeZone, month: 'long', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
  const text = [
    `${input.dealerName} would like you to pay your account online.`,
    '',
    `Account: ${input.accountName} (${input.erpAccountId})`,
    '',
    'Create your Payments portal login here (the link works once):',
    input.registerUrl,
    '',
    `The link is valid until ${until}. Once registered you can see your open invoices by job and pay by bank transfer (ACH) or card.`,
    '',
    'Not expecting this? Decline with one click:',
    input.declineUrl,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:Arial,sans-serif;color:#1f2933;max-width:560px">
<p><strong>${escapeHtml(input.dealerName)}</strong> would like you to pay your account online.</p>
<p>Account: ${escapeHtml(input.accountName)} (${escapeHtml(input.erpAccountId)})</p>
<p><a href="${escapeHtml(input.registerUrl)}" style="display:inline-block;background:#14532d;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">Create your login</a></p>
<p>The link works once and is valid until ${escapeHtml(until)}.</p>
<p style="color:#52606d;font-size:13px">Not expecting this? <a href="${escapeHtml(input.declineUrl)}">Decline the invitation</a>.</p>
</body></html>`;
  return { to: input.to, subject: `${input.dealerName} invites you to pay online`, text, html };
}
