import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DELIVERY_ID_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from '../../domain/webhook-signature';

export interface ReceivedWebhook {
  eventId: string;
  deliveryId: string;
  body: string;
  signatureValid: boolean;
}

/** A dealer's receiving end: checks each signature with the endpoint's secret; can go down and come back on the same port. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  secret = '';
  answer = 200;
  private server: Server | undefined;
  port = 0;

  get url() {
    return `http://127.0.0.1:${this.port}/hooks/drypowder`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const check = verifyWebhookSignature(this.secret, req.headers[SIGNATURE_HEADER.toLowerCase()] as string, body, Math.floor(Date.now() / 1000));
        if (this.answer < 300) {
          this.received.push({ eventId: String(req.headers[EVENT_ID_HEADER.toLowerCase()]), deliveryId: String(req.headers[DELIVERY_ID_HEADER.toLowerCase()]), body, signatureValid: check.valid });
        }
        res.writeHead(check.valid ? this.answer : 400, { 'content-type': 'text/plain' }).end(check.valid ? 'ok' : 'bad signature');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
  }

  eventIds(): string[] {
    return this.received.map((entry) => entry.eventId);
  }
}
