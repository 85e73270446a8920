import { factLines, renderLetterPdf, titleLine } from './letter-pdf';
import type { EnrolmentRow } from '../db/autopay';
import { describeRule } from '../domain/autopay';
import { formatCents } from '../domain/money';
import { localDateTime } from '../domain/dates';

/**
 * The recurring debit authorization as a record: the exact words the customer accepted and the
 * facts NACHA asks the dealer to be able to show (who, when, from where, which account, what
 * rule). Rendered from the stored enrolment, never from today's wording.
 */
export function renderAutopayAuthorizationPdf(row: EnrolmentRow, names: { dealerName: string; dealerTimeZone: string; accountName: string; accountNumber: string; userEmail: string | null }): Promise<Buffer> {
  return renderLetterPdf({ title: 'Recurring payment authorization', author: names.dealerName }, (doc, page) => {
    const { left, width } = page;
    titleLine(doc, page, 'Recurring payment authorization');
    // The dealer's local time for people, and the exact instant for anyone checking the record.
    const when = (at: Date | string) => `${localDateTime(new Date(at), names.dealerTimeZone)} (${new Date(at).toISOString()})`;
    const facts: Array<[string, string]> = [
      ['Payee', names.dealerName],
      ['Customer account', `${names.accountName} (${names.accountNumber})`],
      ['Rule', describeRule(row.rule, row.days_before_due)],
      ['Maximum per payment', row.max_amount_cents === null ? 'none' : formatCents(row.max_amount_cents)],
      ['Notice before each debit', `${row.notice_days} day${row.notice_days === 1 ? '' : 's'}`],
      ['Account', row.account_mask],
      ['Account type', row.account_holder_type ?? 'card'],
      ['Authorized by', names.userEmail ?? 'portal user no longer exists'],
      ['Authorized at', when(row.authorized_at)],
      ['From IP address', row.authorized_ip ?? 'unknown'],
      ['Browser', row.authorized_user_agent ?? 'unknown'],
      ['Wording version', row.authorization_version ?? 'card (no ACH authorization)'],
      ['Status', row.status === 'canceled' ? `cancelled ${row.canceled_at ? when(row.canceled_at) : ''}` : row.status],
    ];
    factLines(doc, page, facts);
    doc.moveDown(1);
    doc.font('Helvetica-Bold').fontSize(11).text('The authorization as accepted:', left, doc.y, { width }).moveDown(0.4);
    doc.font('Helvetica').fontSize(11).text(row.authorization_text ?? 'Card payments: no ACH debit authorization was required.', left, doc.y, { width });
  });
}
