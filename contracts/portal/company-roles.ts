import { z } from 'zod';
import { COMPANY_ROLES, PAYMENT_APPROVAL_STATUSES } from '../../domain/company-roles';
import { cents, day, email, guid, id, timestamp } from '../fields';
import { itemType } from './outstanding';
import { paymentMethod } from './payment-methods';

/**
 * A contractor company's own team and approvals (docs/company-roles.md): owners manage the
 * logins, roles and a project manager's jobs; a non-owner's payment above the approval
 * threshold waits for an owner.
 */
export const companyRole = z.enum(COMPANY_ROLES);

const jobIds = z.array(guid).max(500);

export const teamMember = z.strictObject({
  id,
  email: z.string(),
  name: z.string(),
  role: companyRole,
  roleLabel: z.string(),
  status: z.enum(['active', 'disabled']),
  lastLoginAt: timestamp.nullable(),
  /** The jobs a project manager may reach; empty for the other roles, who reach every job. */
  jobIds: z.array(id),
});

export const companyJob = z.strictObject({ id, erpJobId: z.string(), name: z.string(), dealerName: z.string(), accountName: z.string() });

export const team = z.strictObject({
  members: z.array(teamMember),
  jobs: z.array(companyJob),
  /** Null: no payment needs approval. */
  approvalThresholdCents: cents.nullable(),
});

export const addTeamMemberBody = z.object({
  email,
  name: z.string().trim().min(1).max(200),
  role: companyRole,
  jobIds: jobIds.default([]),
});

export const updateTeamMemberBody = z.object({
  role: companyRole.optional(),
  jobIds: jobIds.optional(),
  status: z.enum(['active', 'disabled']).optional(),
}).refine((body) => body.role !== undefined || body.jobIds !== undefined || body.status !== undefined, { message: 'send at least one of role, jobIds, status' });

export const approvalThresholdBody = z.object({ approvalThresholdCents: z.number().int().min(0).max(100_000_000_00).nullable() });

export const paymentApproval = z.strictObject({
  id,
  status: z.enum(PAYMENT_APPROVAL_STATUSES),
  statusLabel: z.string(),
  dealerId: id,
  dealerName: z.string(),
  customerAccountId: id,
  amountCents: cents,
  thresholdCents: cents,
  requestedBy: z.strictObject({ id, name: z.string(), email: z.string() }),
  items: z.array(z.strictObject({ type: itemType, id, number: z.string(), amountCents: cents })),
  expiresAt: timestamp,
  decidedAt: timestamp.nullable(),
  declineReason: z.string().nullable(),
  failureReason: z.string().nullable(),
  paymentId: id.nullable(),
  /** A scheduled payment waiting for approval: the date it is to be paid on (null: paid at once when approved). */
  scheduledFor: day.nullable(),
  /** The schedule an approved scheduled payment became. */
  scheduledPaymentId: id.nullable(),
  createdAt: timestamp,
  /** Whether the signed-in user may approve or decline it now (an owner, while it waits). */
  canDecide: z.boolean(),
});
export type PaymentApproval = z.infer<typeof paymentApproval>;

export const paymentApprovals = z.strictObject({ approvals: z.array(paymentApproval) });
/** POST /payments above the threshold: nothing is charged yet. */
export const approvalRequested = z.strictObject({ approval: paymentApproval });

export const declineApprovalBody = z.object({ reason: z.string().trim().max(500).optional() });

/**
 * Job pay links: made by an owner (portal) or an operator (console, on the job); opened by
 * whoever holds the link, without a login, to pay that job's open items.
 */
export const createJobPayLinkBody = z.object({
  expiresInDays: z.number().int().min(1).max(90).default(14),
  /** Who the link is for ("Summit GC", "Joint check: First Bank"), shown to the payer and in the lists. */
  payerLabel: z.string().trim().min(1).max(120).optional(),
});
export const createPortalJobPayLinkBody = createJobPayLinkBody.extend({ jobId: guid });

export const jobPayLink = z.strictObject({
  id,
  jobId: id,
  jobName: z.string(),
  erpJobId: z.string(),
  dealerName: z.string(),
  payerLabel: z.string().nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
  expiresAt: timestamp,
  revokedAt: timestamp.nullable(),
  createdAt: timestamp,
  /** The link itself: answered once, when it is made (only its hash is kept). */
  url: z.string().optional(),
});
export const jobPayLinks = z.strictObject({ links: z.array(jobPayLink) });

export const jobLinkItem = z.strictObject({ type: itemType, id, number: z.string(), dueDate: z.string().nullable(), openCents: cents });

/** What the link's holder sees: the supplier, the job and its open items, and the ways they linked to pay. */
export const jobLinkView = z.strictObject({
  dealerName: z.string(),
  jobName: z.string(),
  payerLabel: z.string().nullable(),
  expiresAt: timestamp,
  items: z.array(jobLinkItem),
  /** Invoices and debits less credits: what paying every item comes to before fees. */
  totalCents: cents,
  paymentMethods: z.array(paymentMethod),
});

export const jobLinkPayBody = z.object({
  paymentMethodId: guid,
  achAuthorizationVersion: z.string().trim().min(1).max(100).optional(),
});

export const jobLinkPayment = z.strictObject({ payment: z.strictObject({ id, number: z.string(), status: z.string(), amountCents: cents }) });
