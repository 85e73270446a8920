import express, { type Router } from 'express';
import { MoovHttpError, type EmulatorCore } from './core';
import { DISPUTE_OUTCOMES, DISPUTE_PHASES, type DisputeBook, type DisputeOnTransfer, type DisputeOutcome, type OpenDisputeInput } from './disputes';
import type { DisputePhase, MoovEvent, RefundRecord } from './model';
import type { TransferBook } from './transfers';
import { disputeView, refundView, transferView, type MoovDisputeJson, type MoovTransferJson } from './views';
import type { InjectedFaults, WebhookDelivery, WebhookDispatcher, WebhookFaults } from './webhooks';

/**
 * The emulator's control panel: make the bank do things now (return, fail, clear a
 * transfer), move the clock, point webhooks somewhere, and switch webhook faults on. The same
 * interface is available in-process (`emulator.admin`) and over HTTP under /admin
 * (`moovEmulatorAdmin(url)`), so a test or a demo script uses it the same way whether the
 * emulator runs inside it or in the dev stack.
 */
/** A dispute as Moov shows it, plus its amount in cents for convenience. */
export type AdminDispute = MoovDisputeJson & { amountCents: number };
export type AdminRefund = ReturnType<typeof refundView> & { amountCents: number };

export interface MoovEmulatorAdmin {
  /**
   * An ACH return with `code` (R01…) arriving now, however long after the transfer: a pending
   * transfer fails, a completed one is reversed.
   */
  returnTransfer(transferID: string, code: string): Promise<MoovTransferJson>;
  /** A card decline with `failureCode` (default do-not-honor), or an ACH processing error. */
  failTransfer(transferID: string, failureCode?: string): Promise<MoovTransferJson>;
  /** Clears a pending transfer now instead of waiting for the clock. */
  completeTransfer(transferID: string): Promise<MoovTransferJson>;
  getTransfer(transferID: string): Promise<MoovTransferJson>;
  /** Every transfer the emulator holds, oldest first, whoever's it is (a reconciliation counts them per foreignID). */
  transfers(): Promise<MoovTransferJson[]>;
  /**
   * A cardholder disputes a settled card payment (by default a chargeback for all that is neither
   * refunded nor disputed, answer due in disputeResponseBusinessDays): status response-needed,
   * sends dispute.created.
   */
  disputeTransfer(transferID: string, amountCents?: number, options?: Omit<OpenDisputeInput, 'amountCents'>): Promise<AdminDispute>;
  /** The merchant's evidence reached the network: response-needed → under-review, sends dispute.updated. */
  reviewDispute(transferID: string, disputeID: string): Promise<AdminDispute>;
  /** An inquiry or pre-dispute becomes a chargeback needing a new response: sends dispute.updated. */
  escalateDispute(transferID: string, disputeID: string, options?: { respondBy?: string }): Promise<AdminDispute>;
  /** The decision (won, lost, accepted, closed, expired, resolved): sends dispute.updated. The same outcome again is a no-op. */
  resolveDispute(transferID: string, disputeID: string, outcome: DisputeOutcome): Promise<AdminDispute>;
  /** A lost chargeback won on appeal (pre-arbitration or arbitration): lost → won, sends dispute.updated. */
  overturnDispute(transferID: string, disputeID: string): Promise<AdminDispute>;
  /** Completes a card refund now (created or pending → completed), sending refund.updated. */
  completeRefund(transferID: string, refundID: string): Promise<AdminRefund>;
  /** The card network refuses a refund (default failureCode processing-error): refund.updated with status failed. */
  failRefund(transferID: string, refundID: string, failureCode?: string): Promise<AdminRefund>;
  /** Moves the emulator clock forward (business days are achBusinessDayMs long) and runs what became due. */
  advanceClock(by: { ms?: number; businessDays?: number }): Promise<{ now: string; offsetMs: number }>;
  setWebhook(target: { url: string | null; secret?: string }): Promise<{ webhookID: string; url: string | null }>;
  setWebhookFaults(faults: Partial<WebhookFaults>): Promise<WebhookFaults>;
  clearWebhookFaults(): Promise<WebhookFaults>;
  /** The fault switches as they stand and how many deliveries each has touched so far. */
  webhookFaults(): Promise<{ faults: WebhookFaults; injected: InjectedFaults }>;
  /** Delivers events held by the `reorder` fault now, newest first. */
  flushWebhooks(): Promise<void>;
  webhookDeliveries(): Promise<WebhookDelivery[]>;
  /** Events generated (newest last), optionally only those about one transfer. */
  events(filter?: { transferID?: string }): Promise<MoovEvent[]>;
  /** Sends an already delivered event again, as a late duplicate. */
  redeliver(eventID: string): Promise<void>;
}

export function localAdmin(core: EmulatorCore, transfers: TransferBook, disputes: DisputeBook, webhooks: WebhookDispatcher): MoovEmulatorAdmin {
  const view = (transferID: string) => transferView(core.state, transfers.transfer(transferID));
  const disputeOut = ({ transfer, dispute }: DisputeOnTransfer): AdminDispute => ({ ...disputeView(transfer, dispute, disputes.respondByOf(dispute)), amountCents: dispute.amount });
  const refundOut = (refund: RefundRecord): AdminRefund => ({ ...refundView(refund), amountCents: refund.amount });
  const sync = <T>(run: () => T): Promise<T> => {
    try {
      return Promise.resolve(run());
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return {
    returnTransfer: (transferID, code) => sync(() => view(transfers.returnNow(transferID, code).transferID)),
    failTransfer: (transferID, failureCode) => sync(() => view(transfers.failNow(transferID, failureCode).transferID)),
    completeTransfer: (transferID) => sync(() => view(transfers.completeNow(transferID).transferID)),
    getTransfer: (transferID) => sync(() => view(transferID)),
    transfers: () =>
      sync(() => Object.values(core.state.transfers)
        .sort((a, b) => a.createdOn.localeCompare(b.createdOn) || a.transferID.localeCompare(b.transferID))
        .map((transfer) => transferView(core.state, transfer))),
    disputeTransfer: (transferID, amountCents, options) => sync(() => disputeOut(disputes.open(transfers.transfer(transferID), { ...options, amountCents }))),
    reviewDispute: (transferID, disputeID) => sync(() => disputeOut(disputes.review(transferID, disputeID))),
    escalateDispute: (transferID, disputeID, options) => sync(() => disputeOut(disputes.escalate(transferID, disputeID, options?.respondBy))),
    resolveDispute: (transferID, disputeID, outcome) => sync(() => disputeOut(disputes.resolve(transferID, disputeID, outcome))),
    overturnDispute: (transferID, disputeID) => sync(() => disputeOut(disputes.overturn(transferID, disputeID))),
    completeRefund: (transferID, refundID) => sync(() => refundOut(transfers.completeRefundNow(transferID, refundID))),
    failRefund: (transferID, refundID, failureCode) => sync(() => refundOut(transfers.failRefundNow(transferID, refundID, failureCode))),
    advanceClock: (by) =>
      sync(() => {
        transfers.advance((by.ms ?? 0) + (by.businessDays ?? 0) * core.timing.achBusinessDayMs);
        return { now: core.iso(), offsetMs: core.state.clockOffsetMs };
      }),
    setWebhook: (target) =>
      sync(() => {
        core.state.webhook.url = target.url ?? undefined;
        if (target.secret !== undefined) core.state.webhook.secret = target.secret;
        core.changed();
        return { webhookID: core.state.webhook.webhookID, url: core.state.webhook.url ?? null };
      }),
    setWebhookFaults: (faults) => sync(() => ({ ...webhooks.setFaults(faults) })),
    clearWebhookFaults: () => sync(() => ({ ...webhooks.setFaults({ duplicate: 0, drop: 0, delayMs: 0, reorder: false, jitterMs: 0 }) })),
    webhookFaults: () => sync(() => ({ faults: { ...webhooks.faults }, injected: { ...webhooks.injected } })),
    flushWebhooks: () => sync(() => webhooks.flush()),
    webhookDeliveries: () => sync(() => [...webhooks.deliveries]),
    events: (filter) => sync(() => core.state.events.filter((event) => !filter?.transferID || event.data.transferID === filter.transferID)),
    redeliver: (eventID) =>
      sync(() => {
        const event = core.state.events.find((e) => e.eventID === eventID);
        if (!event) throw new MoovHttpError(404, { error: 'event not found' });
        webhooks.publish(event);
      }),
  };
}

export function adminRouter(admin: MoovEmulatorAdmin): Router {
  const router = express.Router();
  const input = (body: unknown) => (typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {});
  router.post('/transfers/:transferID/return', async (req, res) => {
    res.json(await admin.returnTransfer(String(req.params.transferID), String(input(req.body).code ?? '')));
  });
  router.post('/transfers/:transferID/fail', async (req, res) => {
    const code = input(req.body).failureCode;
    res.json(await admin.failTransfer(String(req.params.transferID), typeof code === 'string' ? code : undefined));
  });
  router.post('/transfers/:transferID/complete', async (req, res) => {
    res.json(await admin.completeTransfer(String(req.params.transferID)));
  });
  router.get('/transfers', async (_req, res) => {
    res.json(await admin.transfers());
  });
  router.get('/transfers/:transferID', async (req, res) => {
    res.json(await admin.getTransfer(String(req.params.transferID)));
  });
  const optionalText = (body: Record<string, unknown>, name: string): string | undefined => {
    const value = body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value === '') throw new MoovHttpError(400, { error: `${name} must be a non-empty string` });
    return value;
  };
  router.post('/transfers/:transferID/dispute', async (req, res) => {
    const body = input(req.body);
    const amount = body.amountCents;
    if (amount !== undefined && amount !== null && typeof amount !== 'number') throw new MoovHttpError(400, { error: 'amountCents must be a number of cents' });
    const phase = optionalText(body, 'phase');
    if (phase !== undefined && !DISPUTE_PHASES.includes(phase as DisputePhase)) throw new MoovHttpError(400, { error: `phase must be one of ${DISPUTE_PHASES.join(', ')}` });
    res.json(
      await admin.disputeTransfer(String(req.params.transferID), typeof amount === 'number' ? amount : undefined, {
        phase: phase as DisputePhase | undefined,
        respondBy: optionalText(body, 'respondBy'),
        networkReasonCode: optionalText(body, 'networkReasonCode'),
        networkReasonDescription: optionalText(body, 'networkReasonDescription'),
      }),
    );
  });
  router.post('/transfers/:transferID/disputes/:disputeID/review', async (req, res) => {
    res.json(await admin.reviewDispute(String(req.params.transferID), String(req.params.disputeID)));
  });
  router.post('/transfers/:transferID/disputes/:disputeID/escalate', async (req, res) => {
    res.json(await admin.escalateDispute(String(req.params.transferID), String(req.params.disputeID), { respondBy: optionalText(input(req.body), 'respondBy') }));
  });
  router.post('/transfers/:transferID/disputes/:disputeID/resolve', async (req, res) => {
    const outcome = input(req.body).outcome;
    if (!DISPUTE_OUTCOMES.includes(outcome as DisputeOutcome)) throw new MoovHttpError(400, { error: `outcome must be one of ${DISPUTE_OUTCOMES.join(', ')}` });
    res.json(await admin.resolveDispute(String(req.params.transferID), String(req.params.disputeID), outcome as DisputeOutcome));
  });
  router.post('/transfers/:transferID/disputes/:disputeID/overturn', async (req, res) => {
    res.json(await admin.overturnDispute(String(req.params.transferID), String(req.params.disputeID)));
  });
  router.post('/transfers/:transferID/refunds/:refundID/complete', async (req, res) => {
    res.json(await admin.completeRefund(String(req.params.transferID), String(req.params.refundID)));
  });
  router.post('/transfers/:transferID/refunds/:refundID/fail', async (req, res) => {
    res.json(await admin.failRefund(String(req.params.transferID), String(req.params.refundID), optionalText(input(req.body), 'failureCode')));
  });
  router.post('/clock/advance', async (req, res) => {
    const body = input(req.body);
    res.json(await admin.advanceClock({ ms: Number(body.ms ?? 0), businessDays: Number(body.businessDays ?? 0) }));
  });
  router.put('/webhook', async (req, res) => {
    const body = input(req.body);
    res.json(await admin.setWebhook({ url: typeof body.url === 'string' ? body.url : null, secret: typeof body.secret === 'string' ? body.secret : undefined }));
  });
  router.put('/webhook-faults', async (req, res) => {
    const body = input(req.body);
    const faults: Partial<WebhookFaults> = {};
    for (const name of ['duplicate', 'drop', 'delayMs', 'jitterMs'] as const) {
      if (body[name] !== undefined) {
        const value = Number(body[name]);
        if (!Number.isInteger(value) || value < 0) throw new MoovHttpError(400, { error: `${name} must be a non-negative integer` });
        faults[name] = value;
      }
    }
    if (body.reorder !== undefined) faults.reorder = body.reorder === true;
    res.json(await admin.setWebhookFaults(faults));
  });
  router.get('/webhook-faults', async (_req, res) => {
    res.json(await admin.webhookFaults());
  });
  router.delete('/webhook-faults', async (_req, res) => {
    res.json(await admin.clearWebhookFaults());
  });
  router.post('/webhooks/flush', async (_req, res) => {
    await admin.flushWebhooks();
    res.status(204).end();
  });
  router.get('/webhooks/deliveries', async (_req, res) => {
    res.json(await admin.webhookDeliveries());
  });
  router.get('/events', async (req, res) => {
    res.json(await admin.events({ transferID: typeof req.query.transferID === 'string' ? req.query.transferID : undefined }));
  });
  router.post('/events/:eventID/redeliver', async (req, res) => {
    await admin.redeliver(String(req.params.eventID));
    res.status(204).end();
  });
  return router;
}

/** The admin interface over HTTP, for an emulator running in another process (the dev stack). */
export function moovEmulatorAdmin(baseUrl: string): MoovEmulatorAdmin {
  const root = `${baseUrl.replace(/\/$/, '')}/admin`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${root}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      const detail = (await response.json().catch(() => ({}))) as { error?: string };
      throw new Error(`Moov emulator admin ${method} ${path}: ${response.status} ${detail.error ?? ''}`.trim());
    }
    return (response.status === 204 ? undefined : await response.json()) as T;
  };
  const id = encodeURIComponent;
  return {
    returnTransfer: (transferID, code) => call('POST', `/transfers/${id(transferID)}/return`, { code }),
    failTransfer: (transferID, failureCode) => call('POST', `/transfers/${id(transferID)}/fail`, { failureCode }),
    completeTransfer: (transferID) => call('POST', `/transfers/${id(transferID)}/complete`, {}),
    getTransfer: (transferID) => call('GET', `/transfers/${id(transferID)}`),
    transfers: () => call('GET', '/transfers'),
    disputeTransfer: (transferID, amountCents, options) => call('POST', `/transfers/${id(transferID)}/dispute`, { ...options, amountCents }),
    reviewDispute: (transferID, disputeID) => call('POST', `/transfers/${id(transferID)}/disputes/${id(disputeID)}/review`, {}),
    escalateDispute: (transferID, disputeID, options) => call('POST', `/transfers/${id(transferID)}/disputes/${id(disputeID)}/escalate`, { ...options }),
    resolveDispute: (transferID, disputeID, outcome) => call('POST', `/transfers/${id(transferID)}/disputes/${id(disputeID)}/resolve`, { outcome }),
    overturnDispute: (transferID, disputeID) => call('POST', `/transfers/${id(transferID)}/disputes/${id(disputeID)}/overturn`, {}),
    completeRefund: (transferID, refundID) => call('POST', `/transfers/${id(transferID)}/refunds/${id(refundID)}/complete`, {}),
    failRefund: (transferID, refundID, failureCode) => call('POST', `/transfers/${id(transferID)}/refunds/${id(refundID)}/fail`, { failureCode }),
    advanceClock: (by) => call('POST', '/clock/advance', by),
    setWebhook: (target) => call('PUT', '/webhook', target),
    setWebhookFaults: (faults) => call('PUT', '/webhook-faults', faults),
    clearWebhookFaults: () => call('DELETE', '/webhook-faults'),
    webhookFaults: () => call('GET', '/webhook-faults'),
    flushWebhooks: () => call('POST', '/webhooks/flush'),
    webhookDeliveries: () => call('GET', '/webhooks/deliveries'),
    events: (filter) => call('GET', `/events${filter?.transferID ? `?transferID=${id(filter.transferID)}` : ''}`),
    redeliver: (eventID) => call('POST', `/events/${id(eventID)}/redeliver`),
  };
}
