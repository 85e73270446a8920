/**
 * Roles of a contractor's own people in the Payments portal (docs/company-roles.md). An owner
 * runs the company's login (team, approval threshold, job pay links) and approves; accounts
 * payable sees and pays everything; a project manager sees and pays only their jobs.
 */
export const COMPANY_ROLES = ['owner', 'ap', 'project_manager'] as const;
export type CompanyRole = (typeof COMPANY_ROLES)[number];

export const COMPANY_ROLE_LABELS: Record<CompanyRole, string> = {
  owner: 'Owner',
  ap: 'Accounts payable',
  project_manager: 'Project manager',
};

/** Only a project manager is limited to assigned jobs; null job ids mean "every job". */
export const limitedToJobs = (role: CompanyRole): boolean => role === 'project_manager';

/**
 * Whether a payment of `amountCents` by someone in `role` must wait for an owner. An owner's
 * own payment never waits; no threshold means no approval at any amount; exactly the
 * threshold is still allowed ("above it waits").
 */
export function needsOwnerApproval(role: CompanyRole, amountCents: number, thresholdCents: number | null): boolean {
  if (role === 'owner' || thresholdCents === null) return false;
  return amountCents > thresholdCents;
}

export const PAYMENT_APPROVAL_STATUSES = ['awaiting_approval', 'approved', 'declined', 'expired', 'failed'] as const;
export type PaymentApprovalStatus = (typeof PAYMENT_APPROVAL_STATUSES)[number];

export const PAYMENT_APPROVAL_STATUS_LABELS: Record<PaymentApprovalStatus, string> = {
  awaiting_approval: 'Waiting for an owner',
  approved: 'Approved and paid',
  declined: 'Declined',
  expired: 'Expired without a decision',
  failed: 'Approved, but the payment could not be made',
};
