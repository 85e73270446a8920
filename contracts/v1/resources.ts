import { z } from 'zod';
import { DOMAIN_EVENT_ENTITIES, DOMAIN_EVENT_TYPES } from '../../domain/domain-events';
import { PAYMENT_STATUSES } from '../../domain/payment-status';
import { calendarDate, cents, guid, id, timestamp } from '../fields';
import { paymentApplication, paymentRow, paymentTimelineEntry } from '../operator/payments';
import { commaList, cursor, pageLimit, pageQuery } from './common';

/**
 * The public API's own shapes and query parameters. Rows the console already describes
 * (customers, invoices, adjustments, statements, payments, settlements) are the console's
 * contracts, so both read the same fields; what only this API has lives here.
 */

export const customerListQuery = pageQuery.extend({
  status: commaList(['active', 'inactive'] as const).optional(),
});

export const invoiceListQuery = pageQuery.extend({
  customer_id: guid.optional(),
  status: commaList(['open', 'partially_paid', 'paid', 'void'] as const).optional(),
});

export const adjustmentListQuery = pageQuery.extend({
  customer_id: guid.optional(),
  kind: z.enum(['credit', 'debit']).optional(),
  status: commaList(['open', 'partially_applied', 'applied', 'void'] as const).optional(),
});

export const statementListQuery = pageQuery.extend({
  customer_id: guid.optional(),
  status: commaList(['open', 'paid', 'closed'] as const).optional(),
});

export const paymentListQuery = pageQuery.extend({
  status: commaList(PAYMENT_STATUSES).optional(),
  method: z.enum(['ach', 'card']).optional(),
  customer_id: guid.optional(),
  settlement_id: guid.optional(),
  submitted_from: calendarDate.optional().describe("First day submitted, in the dealer's time zone"),
  submitted_to: calendarDate.optional().describe("Last day submitted, in the dealer's time zone"),
});

export const settlementListQuery = pageQuery.extend({
  status: commaList(['open', 'ready', 'partially_posted', 'posted', 'resolved'] as const).optional(),
  business_date_from: calendarDate.optional(),
  business_date_to: calendarDate.optional(),
});

export const postingFileQuery = z.strictObject({
  lines: z.enum(['unposted', 'all']).optional().describe('unposted (default): only lines not yet posted; all: every line'),
});

/** `GET /api/v1/payments/:id`: the payment, what it paid and everything that happened to it. */
export const paymentDetail = paymentRow.extend({
  reversed_cents: cents,
  applications: z.array(paymentApplication),
  timeline: z.array(paymentTimelineEntry),
});
export type PaymentDetail = z.infer<typeof paymentDetail>;

export const domainEventType = z.enum(DOMAIN_EVENT_TYPES);

export const eventListQuery = z.strictObject({
  after: cursor.optional().describe('The next_cursor of the previous page; omit to read from the first event'),
  limit: pageLimit,
  type: commaList(DOMAIN_EVENT_TYPES).optional(),
});

/** One thing that happened, in the order the feed gives them. */
export const domainEvent = z.strictObject({
  id: z.string().describe('Unique and increasing; also usable to de-duplicate'),
  type: domainEventType,
  entity_type: z.enum(DOMAIN_EVENT_ENTITIES),
  entity_id: id,
  data: z.record(z.string(), z.unknown()),
  occurred_at: timestamp,
});
export type DomainEvent = z.infer<typeof domainEvent>;
