import { startSmtpSink, type CaughtMessage, type SmtpSink } from '../../emulators/smtp-sink';
import { freePort } from '../../bench/lib/services';

/**
 * The chaos run's SMTP server, which can go away: `outage` closes it (connections refused,
 * as when the mail server is down) and brings a new one up on the same port afterwards. What
 * every incarnation received is kept, so the run can count each email's deliveries.
 */
export class MailSinkWithOutage {
  private sink: SmtpSink | undefined;
  private readonly kept: CaughtMessage[] = [];
  outageSeconds = 0;

  private constructor(private readonly smtpPort: number) {}

  static async start(): Promise<MailSinkWithOutage> {
    const mail = new MailSinkWithOutage(await freePort());
    await mail.open();
    return mail;
  }

  get smtpUrl(): string {
    return `smtp://127.0.0.1:${this.smtpPort}`;
  }

  get up(): boolean {
    return this.sink !== undefined;
  }

  private async open(): Promise<void> {
    this.sink = await startSmtpSink({ smtpPort: this.smtpPort, httpPort: 0 });
  }

  private async close(): Promise<void> {
    if (!this.sink) return;
    const sink = this.sink;
    this.sink = undefined;
    await sink.stop();
    // Read once it has stopped: a message accepted while it was closing counts too.
    this.kept.push(...sink.messages);
  }

  async outage(ms: number, log: (line: string) => void): Promise<void> {
    log(`SMTP server down for ${ms / 1000} s`);
    const started = Date.now();
    await this.close();
    await new Promise((resolve) => setTimeout(resolve, ms));
    await this.open();
    this.outageSeconds = Math.round((Date.now() - started) / 1000);
    log('SMTP server back');
  }

  /** Everything received so far, by every incarnation. */
  received(): CaughtMessage[] {
    return [...this.kept, ...(this.sink?.messages ?? [])];
  }

  async stop(): Promise<void> {
    await this.close();
  }
}
