import { submitCardAsDrop } from '../../emulators/moov/drops-client';
import type { Client } from '@temporalio/client';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import type { Db } from '../../db/connection';
import { logger } from '../../runtime/logger';
import { dealerProcessorAccount } from '../../services/payment-methods';
import { testDb } from './db';
import { testConfig } from './config';
import { checkResponsesAgainstContracts } from './contract-check';
import { createDealer, createOperator, signIn, type SignedIn } from './operator';
import { completePlaidLink, startPaymentEmulators, type PaymentEmulators } from './payment-emulators';
import { createCustomerAccount, createInvoice, createPortalCustomer, signInCustomer, type CustomerSession } from './portal';
import { requiredEnv, startTestWorker } from './temporal';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../../domain/ach-authorization';

/**
 * Everything a payment touches, for real: PostgreSQL, the Temporal dev server, the Moov and
 * Plaid emulators reached through their SDKs, and the API listening on a port so the Moov
 * emulator can deliver signed webhooks to it. Business days are compressed to `businessDayMs`.
 */
export interface PaymentStack {
  db: Db;
  emulators: PaymentEmulators;
  apiUrl: string;
  app: ReturnType<typeof createApp>;
  temporal: Client;
  taskQueue: string;
  dealerId: string;
  operator: SignedIn;
  restartWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

export const WEBHOOK_SECRET = 'test-moov-webhook-secret-0123456789';

export async function startPaymentStack(options: { businessDayMs?: number; achBusinessDayMs?: number; reconcilePollMs?: number; dealer?: Record<string, unknown>; config?: Parameters<typeof testConfig>[0] } = {}): Promise<PaymentStack> {
  const db = testDb();
  const emulators = await startPaymentEmulators({ achBusinessDayMs: options.achBusinessDayMs ?? 300, webhookSecret: WEBHOOK_SECRET });
  const taskQueue = `test-${randomUUID()}`;
  // Listening first: the app tells Plaid where its webhooks go, so it needs its own address.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = testConfig({
    PLAID_WEBHOOK_URL: `${apiUrl}/webhooks/plaid`,
    MOOV_URL: emulators.moov.url,
    PLAID_URL: emulators.plaid.url,
    MOOV_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TASK_QUEUE: taskQueue,
    BUSINESS_DAY_MS: String(options.businessDayMs ?? 2000),
    RECONCILE_POLL_MS: String(options.reconcilePollMs ?? 1000),
    ...options.config,
  });
  const connection = await Connection.connect({ address: requiredEnv('TEMPORAL_ADDRESS'), connectTimeout: '30s' });
  const temporal = new TemporalClient({ connection, namespace: 'default' });
  const app = checkResponsesAgainstContracts(createApp({ db, temporal, config }));
  server.on('request', app);
  await emulators.moov.admin.setWebhook({ url: `${apiUrl}/webhooks/moov`, secret: WEBHOOK_SECRET });

  let worker: Awaited<ReturnType<typeof startTestWorker>> | undefined;
  const startWorker = async () => {
    worker = await startTestWorker({ db, logger, config }, { taskQueue });
  };
  const stopWorker = async () => {
    await worker?.stop();
    worker = undefined;
  };
  await startWorker();

  const dealer = await createDealer(db, { integration_mode: 'file', fee_payer: 'dealer', ...options.dealer });
  await dealerProcessorAccount(db, emulators.moovClient, dealer.id);
  const operatorUser = await createOperator(db, dealer.id);
  const operator = await signIn(app, operatorUser.email);

  return {
    db, emulators, apiUrl, app, temporal, taskQueue, dealerId: dealer.id, operator,
    startWorker, stopWorker,
    async restartWorker() {
      await stopWorker();
      await startWorker();
    },
    async stop() {
      await stopWorker();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await emulators.stop();
      await connection.close();
      await db.destroy();
    },
  };
}

export interface PayingCustomer {
  accountId: string;
  companyId: string;
  session: CustomerSession;
  bankMethodId: string;
}

/** A customer account linked to a portal login that has linked a bank account through Plaid. */
export async function payingCustomer(stack: PaymentStack, bank: { institution?: string; account?: string } = {}): Promise<PayingCustomer> {
  const account = await createCustomerAccount(stack.db, stack.dealerId);
  const customer = await createPortalCustomer(stack.db, [{ id: account.id, dealerId: stack.dealerId }]);
  const session = await signInCustomer(stack.app, customer.email);
  const linkToken = await session.send('post', '/api/portal/payment-methods/plaid/link-token').expect(200);
  const link = await completePlaidLink(stack.emulators.plaid, linkToken.body.linkToken, bank.institution ?? 'ins_dp_prairie', bank.account ?? 'checking');
  const method = await session.send('post', '/api/portal/payment-methods/plaid/exchange', link).expect(201);
  return { accountId: account.id, companyId: customer.companyId, session, bankMethodId: method.body.id };
}

/** Links a card the way the portal's card-link Drop does: straight to Moov, then tells our API its id. */
export async function linkCard(stack: PaymentStack, customer: PayingCustomer, cardNumber = '4111111111111111', state = 'IL'): Promise<string> {
  const session = await customer.session.send('post', '/api/portal/payment-methods/card-session').expect(200);
  const response = await submitCardAsDrop(stack.emulators.moov.url, session.body, { number: cardNumber, state });
  if (!response.ok) throw new Error(`card link failed: ${response.status} ${await response.text()}`);
  const card = (await response.json()) as { cardID: string };
  const saved = await customer.session.send('post', '/api/portal/payment-methods/cards', { cardId: card.cardID }).expect(201);
  return saved.body.id;
}

/**
 * A new invoice of `amountCents`, paid in full from the customer's linked bank account through
 * the portal API; the payment's id. 93.00 makes the Moov emulator keep the ACH transfer
 * `initiated` until told otherwise, so the payment stays open to webhooks.
 */
export async function submitBankPayment(stack: PaymentStack, customer: PayingCustomer, amountCents: number): Promise<string> {
  const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents, dueDate: '2026-12-15' });
  return (await submitPayment(stack, customer, customer.bankMethodId, [invoice.id])).id;
}

/** Pays the customer's invoices in full through the portal API with a saved method (a bank account or a card). */
export async function submitPayment(stack: PaymentStack, customer: PayingCustomer, paymentMethodId: string, invoiceIds: string[]): Promise<{ id: string; number: string }> {
  const response = await customer.session.agent
    .post('/api/portal/payments')
    .set('X-CSRF-Token', customer.session.csrfToken)
    .set('Idempotency-Key', randomUUID())
    .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId, sourceView: 'all', items: invoiceIds.map((id) => ({ type: 'invoice', id })), achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION })
    .expect(201);
  return { id: response.body.payment.id as string, number: response.body.payment.number as string };
}

export async function paymentStatus(db: Db, paymentId: string): Promise<string> {
  return (await db('payments').where({ id: paymentId }).first('status')).status;
}
