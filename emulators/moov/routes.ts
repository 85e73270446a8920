import express, { type Request, type Response, type Router } from 'express';
import { authenticate, requireScope, type Caller, type TokenAuthority } from './auth';
import { MoovHttpError, type EmulatorCore } from './core';
import type { DisputeBook } from './disputes';
import type { Instruments } from './instruments';
import { IdempotentReplay, type TransferBook } from './transfers';
import { accountView, bankAccountView, cancellationView, cardView, disputeView, paymentMethodView, refundView, transferView } from './views';

/**
 * Moov's HTTP API, the part Drypowder uses, at the paths @moovio/sdk calls. Responses are built
 * by views.ts; errors are thrown as MoovHttpError and answered by the error handler in index.ts.
 */
export interface RouteDeps {
  core: EmulatorCore;
  instruments: Instruments;
  transfers: TransferBook;
  disputes: DisputeBook;
  tokens: TokenAuthority;
}

const VERSION_PATTERN = /^(v\d{4}\.\d{2}\.\d{2}|latest)$/;

const body = (req: Request): Record<string, unknown> =>
  typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const param = (req: Request, name: string): string => String(req.params[name]);

function paging(req: Request, defaultCount: number) {
  const skip = Number(req.query.skip ?? 0);
  const count = Number(req.query.count ?? defaultCount);
  if (!Number.isInteger(skip) || skip < 0 || !Number.isInteger(count) || count < 1 || count > 500) {
    throw new MoovHttpError(400, { error: 'skip must be ≥ 0 and count between 1 and 500' });
  }
  return { skip, count };
}

/** Moov sends array query parameters comma-separated (the SDK's form style, explode=false). */
const list = (value: unknown): string[] | undefined =>
  (Array.isArray(value) ? value.map(String) : typeof value === 'string' && value !== '' ? [value] : undefined)?.flatMap((item) => item.split(',')).filter(Boolean);

export function moovApiRouter({ core, instruments, transfers, disputes, tokens }: RouteDeps): Router {
  const router = express.Router();
  const caller = (req: Request): Caller => authenticate(req, tokens);
  const withKey = (req: Request) => requireScope(caller(req), null);
  const withScope = (req: Request, scope: string) => requireScope(caller(req), scope);
  const sendTransfer = (res: Response, status: number, transferID: string) => res.status(status).json(transferView(core.state, transfers.transfer(transferID)));

  router.use((req, res, next) => {
    const version = req.get('x-moov-version');
    if (version !== undefined && !VERSION_PATTERN.test(version)) throw new MoovHttpError(400, { error: `unsupported X-Moov-Version ${version}` });
    res.setHeader('X-Moov-Version', version ?? 'latest');
    next();
  });

  router.get('/ping', (req, res) => {
    withKey(req);
    res.status(200).end();
  });

  router.post('/oauth2/token', (req, res) => {
    const input = body(req);
    const header = req.get('authorization');
    const viaBody = text(input.client_id) && text(input.client_secret) && tokens.keysMatch(String(input.client_id), String(input.client_secret));
    if (!viaBody) {
      if (!header) throw new MoovHttpError(401, { error: 'API keys required' });
      if (caller(req).kind !== 'key') throw new MoovHttpError(401, { error: 'API keys required' });
    }
    if (input.grant_type !== 'client_credentials') throw new MoovHttpError(422, { refresh_token: 'the emulator supports grant_type client_credentials only' });
    res.json(tokens.mint(text(input.scope) ?? '', Date.now()));
  });

  // ---- accounts -----------------------------------------------------------------------

  router.post('/accounts', (req, res) => {
    withKey(req);
    res.json(accountView(instruments.createAccount(body(req))));
  });

  router.get('/accounts', (req, res) => {
    withKey(req);
    const found = instruments.listAccounts({
      foreignID: text(req.query.foreignID),
      email: text(req.query.email),
      name: text(req.query.name),
      type: text(req.query.type),
      ...paging(req, 20),
    });
    res.json(found.map(accountView));
  });

  router.get('/accounts/:accountID', (req, res) => {
    withScope(req, `/accounts/${param(req, 'accountID')}/profile.read`);
    res.json(accountView(instruments.account(param(req, 'accountID'))));
  });

  // ---- payment methods ----------------------------------------------------------------

  router.get('/accounts/:accountID/payment-methods', (req, res) => {
    const accountID = param(req, 'accountID');
    withScope(req, `/accounts/${accountID}/payment-methods.read`);
    const methods = instruments.listPaymentMethods(accountID, { paymentMethodType: text(req.query.paymentMethodType), sourceID: text(req.query.sourceID) });
    res.json(methods.map((method) => paymentMethodView(core.state, method)));
  });

  router.get('/accounts/:accountID/payment-methods/:paymentMethodID', (req, res) => {
    const accountID = param(req, 'accountID');
    withScope(req, `/accounts/${accountID}/payment-methods.read`);
    res.json(paymentMethodView(core.state, instruments.paymentMethod(accountID, param(req, 'paymentMethodID'))));
  });

  // ---- bank accounts ------------------------------------------------------------------

  router.post('/accounts/:accountID/bank-accounts', async (req, res) => {
    const accountID = param(req, 'accountID');
    withScope(req, `/accounts/${accountID}/bank-accounts.write`);
    res.json(bankAccountView(core.state, await instruments.linkBankAccount(accountID, body(req))));
  });

  router.get('/accounts/:accountID/bank-accounts', (req, res) => {
    const accountID = param(req, 'accountID');
    withScope(req, `/accounts/${accountID}/bank-accounts.read`);
    res.json(instruments.listBankAccounts(accountID).map((bank) => bankAccountView(core.state, bank)));
  });

  router.get('/accounts/:accountID/bank-accounts/:bankAccountID', (req, res) => {
    const accountID = param(req, 'accountID');
    withScope(req, `/accounts/${accountID}/bank-accounts.read`);
    res.json(bankAccountView(core.state, instruments.bankAccount(accountID, param(req, 'bankAccountID'))));
  });

  router.delete('/accounts/:accountID/bank-accounts/:bankAccountID', (req, res) => {
    const accountID = param(req, 'accountID');
    withScope(req, `/accounts/${accountID}/bank-accounts.write`);
    instruments.deleteBankAccount(accountID, param(req, 'bankAccountID'));
    res.status(204).end();
  });

  // ---- cards --------------------------------------------------------------------------

  router.post('/accounts/:accountID/cards', (req, res) => {
    const accountID = param(req, 'accountID');
    withScope(req, `/accounts/${accountID}/cards.write`);
    res.json(cardView(core.state, instruments.linkCard(accountID, body(req))));
  });

  router.get('/accounts/:accountID/cards', (req, res) => {
    const accountID = param(req, 'accountID');
    withScope(req, `/accounts/${accountID}/cards.read`);
    res.json(instruments.listCards(accountID).map((card) => cardView(core.state, card)));
  });

  router.get('/accounts/:accountID/cards/:cardID', (req, res) => {
    const accountID = param(req, 'accountID');
    withScope(req, `/accounts/${accountID}/cards.read`);
    res.json(cardView(core.state, instruments.card(accountID, param(req, 'cardID'))));
  });

  router.delete('/accounts/:accountID/cards/:cardID', (req, res) => {
    const accountID = param(req, 'accountID');
    withScope(req, `/accounts/${accountID}/cards.write`);
    instruments.deleteCard(accountID, param(req, 'cardID'));
    res.status(204).end();
  });

  // ---- transfers ----------------------------------------------------------------------

  router.post('/accounts/:accountID/transfer-options', (req, res) => {
    withKey(req);
    const options = transfers.options(param(req, 'accountID'), body(req));
    res.json({
      sourceOptions: options.sourceOptions.map((method) => paymentMethodView(core.state, method)),
      destinationOptions: options.destinationOptions.map((method) => paymentMethodView(core.state, method)),
    });
  });

  router.post('/accounts/:accountID/transfers', async (req, res) => {
    withKey(req);
    let transferID: string;
    try {
      transferID = transfers.create(param(req, 'accountID'), req.get('x-idempotency-key'), body(req)).transferID;
    } catch (error) {
      // Moov's answer to a repeated key: 409 with the transfer the key already created.
      if (error instanceof IdempotentReplay) return sendTransfer(res, 409, error.transferID);
      throw error;
    }
    if (req.get('x-wait-for') !== 'rail-response') {
      const created = transfers.transfer(transferID);
      return res.status(202).json({ transferID, createdOn: created.createdOn });
    }
    // The card network answers the authorization in the time the emulator gives it; ACH's rail answer is "initiated".
    const answered = await core.waitFor(
      transferID,
      () => {
        const transfer = transfers.transfer(transferID);
        return transfer.status !== 'pending' || !transfer.source.card || transfer.source.card.status !== 'initiated';
      },
      core.timing.railResponseTimeoutMs,
    );
    sendTransfer(res, answered ? 200 : 202, transferID);
  });

  router.get('/accounts/:accountID/transfers', (req, res) => {
    withKey(req);
    const accountIDs = text(req.query.accountIDs)?.split(',');
    const list = transfers.list(param(req, 'accountID'), {
      status: text(req.query.status),
      foreignID: text(req.query.foreignID),
      accountIDs,
      startDateTime: text(req.query.startDateTime),
      endDateTime: text(req.query.endDateTime),
      ...paging(req, 200),
    });
    res.json(list.map((transfer) => transferView(core.state, transfer)));
  });

  router.get('/accounts/:accountID/transfers/:transferID', (req, res) => {
    withKey(req);
    res.json(transferView(core.state, transfers.visible(param(req, 'accountID'), param(req, 'transferID'))));
  });

  router.post('/accounts/:accountID/transfers/:transferID/cancellations', (req, res) => {
    withKey(req);
    res.json(cancellationView(transfers.cancel(param(req, 'accountID'), param(req, 'transferID'))));
  });

  router.get('/accounts/:accountID/transfers/:transferID/cancellations', (req, res) => {
    withKey(req);
    res.json(transfers.visible(param(req, 'accountID'), param(req, 'transferID')).cancellations.map(cancellationView));
  });

  router.get('/accounts/:accountID/transfers/:transferID/cancellations/:cancellationID', (req, res) => {
    withKey(req);
    res.json(cancellationView(transfers.cancellation(param(req, 'accountID'), param(req, 'transferID'), param(req, 'cancellationID'))));
  });

  router.post('/accounts/:accountID/transfers/:transferID/refunds', (req, res) => {
    withKey(req);
    const { refund, replayed } = transfers.refund(param(req, 'accountID'), param(req, 'transferID'), req.get('x-idempotency-key'), body(req));
    res.status(replayed ? 409 : 200).json(refundView(refund));
  });

  router.get('/accounts/:accountID/transfers/:transferID/refunds', (req, res) => {
    withKey(req);
    res.json(transfers.visible(param(req, 'accountID'), param(req, 'transferID')).refunds.map(refundView));
  });

  router.get('/accounts/:accountID/transfers/:transferID/refunds/:refundID', (req, res) => {
    withKey(req);
    res.json(refundView(transfers.refundOf(param(req, 'accountID'), param(req, 'transferID'), param(req, 'refundID'))));
  });

  router.post('/accounts/:accountID/transfers/:transferID/reversals', (req, res) => {
    withKey(req);
    const result = transfers.reverse(param(req, 'accountID'), param(req, 'transferID'), req.get('x-idempotency-key'), body(req));
    res.json(result.cancellation ? { cancellation: cancellationView(result.cancellation) } : { refund: refundView(result.refund!) });
  });

  // ---- disputes -----------------------------------------------------------------------

  const sendDispute = (res: Response, found: ReturnType<DisputeBook['visible']>) => res.json(disputeView(found.transfer, found.dispute, disputes.respondByOf(found.dispute)));

  router.get('/accounts/:accountID/disputes', (req, res) => {
    withKey(req);
    const found = disputes.list(param(req, 'accountID'), {
      transferIDs: list(req.query.transferIDs),
      disputeIDs: list(req.query.disputeIDs),
      status: text(req.query.status),
      merchantAccountID: text(req.query.merchantAccountID),
      cardholderAccountID: text(req.query.cardholderAccountID),
      startDateTime: text(req.query.startDateTime),
      endDateTime: text(req.query.endDateTime),
      respondStartDateTime: text(req.query.respondStartDateTime),
      respondEndDateTime: text(req.query.respondEndDateTime),
      ...paging(req, 200),
    });
    res.json(found.map(({ transfer, dispute }) => disputeView(transfer, dispute, disputes.respondByOf(dispute))));
  });

  router.get('/accounts/:accountID/disputes/:disputeID', (req, res) => {
    withKey(req);
    sendDispute(res, disputes.visible(param(req, 'accountID'), param(req, 'disputeID')));
  });

  router.post('/accounts/:accountID/disputes/:disputeID/accept', (req, res) => {
    withKey(req);
    sendDispute(res, disputes.accept(param(req, 'accountID'), param(req, 'disputeID')));
  });

  router.post('/accounts/:accountID/disputes/:disputeID/evidence/submit', (req, res) => {
    withKey(req);
    sendDispute(res, disputes.submitEvidence(param(req, 'accountID'), param(req, 'disputeID')));
  });

  return router;
}
