import { submitCardAsDrop } from '../../emulators/moov/drops-client';
import express from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { listen, type RunningServer } from '../../emulators/http';
import { startMoovEmulator, type MoovEmulator, type MoovEmulatorOptions } from '../../emulators/moov';
import { startPlaidEmulator, type PlaidEmulator } from '../../emulators/plaid';
import { MoovClient, type MoovPaymentMethod } from '../../integrations/moov';
import { PlaidClient } from '../../integrations/plaid';

/**
 * The Plaid and Moov emulators on free ports, wired together as in the dev stack, with the
 * real SDK clients pointed at them; plus the browser steps (Link page, card form) done over
 * HTTP exactly as a browser does them, and a webhook receiver that keeps raw requests.
 */
export interface PaymentEmulators {
  plaid: PlaidEmulator;
  moov: MoovEmulator;
  moovClient: MoovClient;
  plaidClient: PlaidClient;
  stop(): Promise<void>;
}

export async function startPaymentEmulators(moovOptions: Partial<MoovEmulatorOptions> = {}): Promise<PaymentEmulators> {
  const plaid = await startPlaidEmulator({ port: 0 });
  const moov = await startMoovEmulator({ port: 0, achBusinessDayMs: 60 * 60 * 1000, plaid: { url: plaid.url }, ...moovOptions });
  const moovClient = new MoovClient({ url: moov.url, publicKey: moov.publicKey, secretKey: moov.secretKey, facilitatorAccountId: moov.facilitatorAccountId });
  const plaidClient = new PlaidClient({ url: plaid.url, clientId: 'plaid-dev-client', secret: 'plaid-dev-secret' });
  return {
    plaid,
    moov,
    moovClient,
    plaidClient,
    stop: async () => {
      await moov.stop();
      await plaid.stop();
    },
  };
}

/** What the stand-in Link page does when the user picks `institutionId`/`accountKey` and continues. */
export async function completePlaidLink(plaid: PlaidEmulator, linkToken: string, institutionId: string, accountKey: string): Promise<{ publicToken: string; accountId: string }> {
  const response = await fetch(`${plaid.url}/link/complete`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ link_token: linkToken, selection: `${institutionId}:${accountKey}` }),
  });
  if (!response.ok) throw new Error(`link failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { public_token: string; metadata: { accounts: Array<{ id: string }> } };
  return { publicToken: body.public_token, accountId: body.metadata.accounts[0]!.id };
}

/** The whole bank link: Link → public token → access token → processor token → Moov bank account. */
export async function linkBankThroughPlaid(emulators: PaymentEmulators, moovAccountId: string, institutionId = 'ins_dp_prairie', accountKey = 'checking'): Promise<MoovPaymentMethod> {
  const { linkToken } = await emulators.plaidClient.createLinkToken({ clientUserId: moovAccountId, clientName: 'Drypowder' });
  const { publicToken, accountId } = await completePlaidLink(emulators.plaid, linkToken, institutionId, accountKey);
  const { accessToken } = await emulators.plaidClient.exchangePublicToken(publicToken);
  const processorToken = await emulators.plaidClient.createMoovProcessorToken(accessToken, accountId);
  return emulators.moovClient.linkBankAccountFromPlaid(moovAccountId, processorToken);
}

/** What the portal's card-link Drop does: the card straight to Moov with the scoped token. */
export async function linkCardFromBrowser(
  emulators: PaymentEmulators,
  moovAccountId: string,
  card: { number: string; state?: string; postalCode?: string } = { number: '4111111111111111' },
): Promise<Response> {
  const token = await emulators.moovClient.createCardLinkToken(moovAccountId);
  return submitCardAsDrop(emulators.moov.url, { accountId: moovAccountId, accessToken: token.accessToken }, { number: card.number, state: card.state ?? 'IL', postalCode: card.postalCode });
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
  event: { eventID: string; type: string; data: Record<string, unknown>; createdOn: string };
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status to answer the n-th request (1-based) with; 200 by default. */
  respondWith: (n: number) => number;
  stop(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const app = express();
  let count = 0;
  const receiver: WebhookReceiver = { url: '', received: [], respondWith: () => 200, stop: async () => undefined };
  app.post('/webhooks/moov', express.raw({ type: '*/*' }), (req, res) => {
    count += 1;
    const status = receiver.respondWith(count);
    if (status < 300) {
      const rawBody = (req.body as Buffer).toString('utf8');
      receiver.received.push({ headers: req.headers, rawBody, event: JSON.parse(rawBody) as ReceivedWebhook['event'] });
    }
    res.status(status).end();
  });
  const server: RunningServer = await listen(app, 0);
  receiver.url = `${server.url}/webhooks/moov`;
  receiver.stop = server.stop;
  return receiver;
}

type Truthy<T> = Exclude<T, undefined | null | false | 0 | ''>;

/** Polls until `probe` returns something truthy and returns it; fails with `what` after timeoutMs. */
export async function waitUntil<T>(probe: () => T | PromiseLike<T>, what: string, timeoutMs = 15_000): Promise<Truthy<Awaited<T>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<Awaited<T>>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
