import nodemailer, { type Transporter } from 'nodemailer';

/**
 * Outgoing email over SMTP (nodemailer). In development and tests SMTP_URL points at the
 * local sink (emulators/smtp-sink), whose inbox tests read over HTTP; in production at the
 * provider's relay. Invitations, password resets and receipts all go through here.
 */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
  /**
   * A stable Message-ID derived from business ids, so a retried send of the same message
   * can be recognised as a duplicate by the receiving side.
   */
  messageId?: string;
}

export interface Mailer {
  /** `response` is the SMTP server's answer to the message ("250 OK: queued as …"). */
  send(email: OutgoingEmail): Promise<{ messageId: string; response: string | null }>;
  close(): void;
}

export interface MailerSettings {
  SMTP_URL: string;
  MAIL_FROM: string;
}

export function createMailer(settings: MailerSettings): Mailer {
  // Every wait is bounded well inside the relay's lease (services/email-relay.ts), so a hung
  // server fails the attempt before another relay may claim the same row and send it again.
  const transport: Transporter = nodemailer.createTransport(
    { url: settings.SMTP_URL, connectionTimeout: 20_000, greetingTimeout: 15_000, socketTimeout: 45_000 },
    { from: settings.MAIL_FROM },
  );
  return {
    async send(email) {
      const info = await transport.sendMail({
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        attachments: email.attachments,
        messageId: email.messageId,
      });
      return { messageId: info.messageId, response: typeof info.response === 'string' ? info.response : null };
    },
    close() {
      transport.close();
    },
  };
}

/** One mailer per SMTP URL and sender for the life of the process (connections are pooled by URL). */
const shared = new Map<string, Mailer>();
export function sharedMailer(settings: MailerSettings): Mailer {
  const key = `${settings.SMTP_URL}\n${settings.MAIL_FROM}`;
  let mailer = shared.get(key);
  if (!mailer) {
    mailer = createMailer(settings);
    shared.set(key, mailer);
  }
  return mailer;
}

/** The SMTP server's answer carried by a failed send, when the server answered at all. */
export function smtpAnswerOf(error: unknown): { response: string | null; code: number | null } {
  const detail = error as { response?: unknown; responseCode?: unknown } | null;
  return {
    response: typeof detail?.response === 'string' ? detail.response : null,
    code: typeof detail?.responseCode === 'number' ? detail.responseCode : null,
  };
}

/** Escapes text for the HTML part of an email. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}
