import express from 'express';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { listen, type RunningServer } from '../http';

/**
 * A local mail catcher: accepts every message over SMTP and shows it over HTTP, so the
 * demo and the tests read invitation, password-reset and receipt emails like a person would.
 *   GET /api/messages?to=addr   newest first, with text, html and links found in the body
 *   DELETE /api/messages        empties the box
 *   GET /                       an inbox page for demos
 */
export interface CaughtMessage {
  id: number;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  links: string[];
  attachments: Array<{ filename: string | undefined; contentType: string; size: number }>;
  receivedAt: string;
  /** The sender's Message-ID: a resend of the same email carries the same one. */
  messageId: string | null;
}

export interface SmtpSink {
  smtpPort: number;
  http: RunningServer;
  messages: CaughtMessage[];
  stop(): Promise<void>;
}

export async function startSmtpSink(options: { smtpPort: number; httpPort: number; host?: string }): Promise<SmtpSink> {
  const messages: CaughtMessage[] = [];
  let nextId = 1;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const text = parsed.text ?? '';
          const html = typeof parsed.html === 'string' ? parsed.html : null;
          const to = [parsed.to].flat().flatMap((address) => address?.value.map((v) => v.address ?? '') ?? []);
          messages.unshift({
            id: nextId++,
            from: parsed.from?.text ?? '',
            to,
            subject: parsed.subject ?? '',
            text,
            html,
            links: [...new Set(`${text} ${html ?? ''}`.match(/https?:\/\/[^\s"'<>)]+/g) ?? [])],
            attachments: parsed.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
            receivedAt: new Date().toISOString(),
            messageId: parsed.messageId ?? null,
          });
          if (messages.length > 5000) messages.length = 5000;
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.smtpPort, options.host ?? '127.0.0.1', () => resolve());
  });
  const smtpPort = (smtp.server.address() as { port: number }).port;
  // A sender that dies mid-conversation (a killed worker) resets its connection: that is its
  // problem, not the mail server's, which keeps serving everyone else.
  smtp.on('error', () => undefined);

  const app = express();
  app.get('/api/messages', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to.toLowerCase() : undefined;
    res.json(to ? messages.filter((m) => m.to.some((address) => address.toLowerCase() === to)) : messages);
  });
  app.delete('/api/messages', (_req, res) => {
    messages.length = 0;
    res.status(204).end();
  });
  app.get('/', (_req, res) => {
    const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
    const rows = messages
      .map((m) => `<article><h3>${escape(m.subject)}</h3><p><b>To:</b> ${escape(m.to.join(', '))} · ${escape(m.receivedAt)}</p>${m.html ?? `<pre>${escape(m.text)}</pre>`}</article><hr>`)
      .join('');
    res.type('html').send(`<!doctype html><meta charset="utf-8"><title>Local mail</title><body style="font-family:sans-serif;max-width:760px;margin:2em auto"><h1>Local mail (${messages.length})</h1>${rows || '<p>No messages yet.</p>'}</body>`);
  });
  const http = await listen(app, options.httpPort, options.host);

  return {
    smtpPort,
    http,
    messages,
    async stop() {
      await http.stop();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
