import { z } from 'zod';
import { listQuery } from './list';
import * as operatorAuth from './operator/auth';
import * as apiKeys from './operator/api-keys';
import * as auditEvents from './operator/audit-events';
import * as customerEmails from './operator/customer-emails';
import * as customers from './operator/customers';
import * as dashboard from './operator/dashboard';
import * as ingestion from './operator/ingestion-runs';
import * as integration from './operator/integration';
import * as invitations from './operator/invitations';
import * as jobs from './operator/jobs';
import * as documents from './item-documents';
import * as lienWaivers from './operator/lien-waivers';
import * as operators from './operator/operators';
import * as payments from './operator/payments';
import * as receivables from './operator/receivables';
import * as reminders from './operator/reminders';
import * as settings from './operator/settings';
import * as settlements from './operator/settlements';
import * as shortPays from './operator/short-pays';
import * as operatorSchedules from './operator/scheduled-payments';
import * as accountCredit from './operator/account-credit';
import * as portalAccountCredit from './portal/account-credit';
import * as webhookEndpoints from './operator/webhook-endpoints';
import * as portalAuth from './portal/auth';
import * as outstanding from './portal/outstanding';
import * as portalLienWaivers from './portal/lien-waivers';
import * as portalPayments from './portal/payments';
import * as paymentMethods from './portal/payment-methods';
import * as registration from './portal/registration';
import * as scheduledPayments from './portal/scheduled-payments';
import * as autopay from './portal/autopay';
import * as operatorAutopay from './operator/autopay';
import * as companyRoles from './portal/company-roles';
import * as moov from './webhooks/moov';
import * as plaid from './webhooks/plaid';
import * as spruce from './webhooks/spruce';
import * as platformDealers from './platform/dealers';
import { idempotencyKeyHeader, pageOf } from './v1/common';
import * as v1 from './v1/resources';
import * as v1Ingestion from './v1/ingestion';

/**
 * The route table: every endpoint of /api and /webhooks with its method, path (Express
 * syntax), who may call it and the contract of each part of the request and of each answer
 * by status. The OpenAPI document is generated from it (contracts/openapi.ts), and the
 * integration tests check every JSON answer against it. Refusals (4xx/5xx) share one shape,
 * contracts/errors.ts, and are not listed per route.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
/**
 * `api_key`: `Authorization: Bearer <key>`, a dealer's key for its own systems (/api/v1).
 * `platform_admin`: `Authorization: Bearer <PLATFORM_ADMIN_TOKEN>`, the platform's own administrators (/api/platform).
 */
export type Login = 'operator' | 'customer' | 'api_key' | 'platform_admin' | 'none' | 'signature';

/** A response that is not JSON (a CSV or PDF download), or that has no body. */
export interface FileResponse {
  contentType: string;
  description: string;
}
export type ResponseContract = z.ZodType | FileResponse | null;

export interface RouteContract {
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  login: Login;
  /** Roles a route-level check demands on top of the login. */
  roles?: readonly string[];
  query?: z.ZodObject;
  /** ra-data-simple-rest list: `sort`, `range` and `filter` (this schema, as JSON) in the query. */
  listFilter?: z.ZodObject;
  body?: z.ZodType;
  bodyType?: 'json' | 'multipart';
  /** Other media types the same route accepts, each with its own schema (the JSON `body` stays the main one). */
  alternativeBodies?: Record<string, z.ZodType>;
  headers?: Record<string, { required: boolean; description: string }>;
  responses: Partial<Record<number, ResponseContract>>;
}

export const isFileResponse = (value: ResponseContract | undefined): value is FileResponse =>
  typeof value === 'object' && value !== null && 'contentType' in value && !(value instanceof z.ZodType);

const csv = (description: string): FileResponse => ({ contentType: 'text/csv', description });
const documentFile: FileResponse = { contentType: 'application/pdf', description: 'The document\'s bytes as kept: application/pdf, image/png or image/jpeg' };
const NO_CONTENT = null;

const OP = '/api/operator';
const PORTAL = '/api/portal';

const operator = (method: HttpMethod, path: string, tag: string, summary: string, rest: Omit<RouteContract, 'method' | 'path' | 'tag' | 'summary' | 'login'>): RouteContract =>
  ({ method, path: `${OP}${path}`, tag, summary, login: 'operator', ...rest });
const customer = (method: HttpMethod, path: string, tag: string, summary: string, rest: Omit<RouteContract, 'method' | 'path' | 'tag' | 'summary' | 'login'>): RouteContract =>
  ({ method, path: `${PORTAL}${path}`, tag, summary, login: 'customer', ...rest });
const portalPublic = (method: HttpMethod, path: string, tag: string, summary: string, rest: Omit<RouteContract, 'method' | 'path' | 'tag' | 'summary' | 'login'>): RouteContract =>
  ({ method, path: `${PORTAL}${path}`, tag, summary, login: 'none', ...rest });

const list = <R extends z.ZodType>(filter: z.ZodObject, row: R) => ({ listFilter: filter, responses: { 200: z.array(row) } });
const ADMIN = ['admin'] as const;
const BOTH_ROLES = ['admin', 'ar_operator'] as const;
const COMPANY_OWNER = ['company:owner'] as const;
const COMPANY_ACCOUNT_WIDE = ['company:owner', 'company:ap'] as const;

const operatorRoutes: RouteContract[] = [
  { method: 'POST', path: `${OP}/auth/sign-in`, tag: 'Operator session', summary: 'Sign in; sets the session cookie and answers the CSRF token', login: 'none', body: operatorAuth.signInBody, responses: { 200: operatorAuth.operatorSession } },
  { method: 'POST', path: `${OP}/auth/sign-out`, tag: 'Operator session', summary: 'Sign out', login: 'none', responses: { 204: NO_CONTENT } },
  operator('GET', '/auth/session', 'Operator session', 'The signed-in operator, their dealer and the CSRF token', { responses: { 200: operatorAuth.operatorSession } }),
  { method: 'GET', path: `${OP}/auth/set-password`, tag: 'Operator session', summary: 'Check a set-password link before a password is typed', login: 'none', query: operatorAuth.setPasswordQuery, responses: { 200: operatorAuth.setPasswordLink } },
  { method: 'POST', path: `${OP}/auth/set-password`, tag: 'Operator session', summary: 'Choose a password through a single-use link', login: 'none', body: operatorAuth.setPasswordBody, responses: { 200: operatorAuth.setPasswordDone } },

  operator('GET', '/customers', 'Customers', 'Customers Dashboard list', list(customers.customerFilter, customers.customerRow)),
  operator('GET', '/customers/summary', 'Customers', 'Stats panel over the accounts the filter selects', { listFilter: customers.customerFilter, responses: { 200: customers.customerSummary } }),
  operator('GET', '/customers/export.csv', 'Customers', 'The filtered, sorted list as CSV', { listFilter: customers.customerFilter, responses: { 200: csv('One row per account, money as decimals, one column per priority component') } }),
  operator('GET', '/customers/:id', 'Customers', "One account's summary", { responses: { 200: customers.customerDetail } }),
  operator('GET', '/customers/:id/emails', 'Customers', 'Emails sent to or about the account (invitations, payment notices, receipts), newest first, with delivery status and the SMTP answer', list(customerEmails.customerEmailFilter, customerEmails.customerEmailRow)),
  operator('POST', '/customers/:id/portal-access/disable', 'Customers', 'Turn the account\'s Payments portal access off', { roles: BOTH_ROLES, body: customers.portalAccessDisableBody, responses: { 200: customers.customerDetail } }),
  operator('POST', '/customers/:id/reminder-preview', 'Reminders', 'The payment reminder the customer would get, rendered with the saved templates or the ones in the body', { body: reminders.reminderPreviewBody, responses: { 200: reminders.reminderPreview } }),
  operator('GET', '/customers/:id/reminders', 'Reminders', 'Whether the account gets payment reminders', { responses: { 200: reminders.customerReminders } }),
  operator('POST', '/customers/:id/reminders/opt-out', 'Reminders', 'Stop payment reminders to the account (audited)', { roles: BOTH_ROLES, body: reminders.remindersOptOutBody, responses: { 200: reminders.customerReminders } }),
  operator('POST', '/customers/:id/reminders/opt-in', 'Reminders', 'Send payment reminders to the account again (audited)', { roles: BOTH_ROLES, body: reminders.remindersOptInBody, responses: { 200: reminders.customerReminders } }),
  operator('GET', '/customers/:id/autopay', 'Autopay', 'The account\'s autopay enrolments: status, rule, method, maximum, next debit date', { responses: { 200: autopay.enrolments } }),
  operator('POST', '/autopay/:id/suspend', 'Autopay', 'Suspend an enrolment: no debit until it is turned back on (audited)', { roles: BOTH_ROLES, body: operatorAutopay.suspendBody, responses: { 200: autopay.enrolment } }),
  operator('POST', '/autopay/:id/resume', 'Autopay', 'Turn a suspended enrolment back on (audited)', { roles: BOTH_ROLES, responses: { 200: autopay.enrolment } }),
  operator('GET', '/autopay/:id/authorization.pdf', 'Autopay', 'The enrolment\'s recurring payment authorization as PDF', { responses: { 200: { contentType: 'application/pdf', description: 'The authorization' } } }),
  operator('POST', '/customers/:id/portal-access/restore', 'Customers', 'Turn the account\'s Payments portal access back on', { roles: BOTH_ROLES, body: customers.portalAccessRestoreBody, responses: { 200: customers.customerDetail } }),

  operator('POST', '/ingestion-runs', 'Ingestion', 'Upload CSV files; validation starts at once', { body: ingestion.uploadBody, bodyType: 'multipart', responses: { 202: ingestion.ingestionRun } }),
  operator('GET', '/ingestion-runs', 'Ingestion', 'Uploads, newest first', list(ingestion.runFilter, ingestion.ingestionRun)),
  operator('GET', '/ingestion-runs/:id', 'Ingestion', 'One upload with its files and counts', { responses: { 200: ingestion.ingestionRun } }),
  operator('GET', '/ingestion-runs/:id/errors', 'Ingestion', 'Rows refused by validation', list(ingestion.rowErrorFilter, ingestion.rowError)),
  operator('POST', '/ingestion-runs/:id/commit', 'Ingestion', 'Commit a validated upload', { responses: { 202: ingestion.ingestionRun } }),
  operator('POST', '/ingestion-runs/:id/cancel', 'Ingestion', 'Cancel an upload not yet committed', { responses: { 200: ingestion.ingestionRun } }),

  operator('POST', '/invitations', 'Invitations', 'Invite (or re-invite) customers; answers per customer', { body: invitations.inviteBody, responses: { 200: invitations.inviteAnswer } }),
  operator('POST', '/invitations/:id/resend', 'Invitations', 'Send an invitation again', { responses: { 201: invitations.resentInvitation } }),
  operator('GET', '/invitations', 'Invitations', 'Invitations, newest first', list(invitations.invitationFilter, invitations.invitationRow)),
  operator('GET', '/invitations/:id', 'Invitations', 'One invitation', { responses: { 200: invitations.invitationRow } }),

  operator('GET', '/invoices', 'Receivables', 'Invoices', list(receivables.invoiceFilter, receivables.invoiceRow)),
  operator('GET', '/invoices/:id', 'Receivables', 'One invoice with the payments applied to it', { responses: { 200: receivables.invoiceDetail } }),
  operator('GET', '/invoices/:id/documents', 'Documents', 'The invoice copy and delivery tickets behind an invoice (from Spruce, or uploaded for a file-based dealer)', { responses: { 200: documents.itemDocuments } }),
  operator('POST', '/invoices/:id/documents', 'Documents', 'Upload an invoice copy or delivery ticket (file-based dealers; PDF, PNG or JPEG up to 10 MB; audited)', { body: documents.documentUploadBody, bodyType: 'multipart', responses: { 201: documents.itemDocument } }),
  operator('GET', '/invoices/:id/documents/:documentId', 'Documents', 'One document of the invoice, served through the API', { responses: { 200: documentFile } }),
  operator('GET', '/adjustments', 'Receivables', 'Credit and debit adjustments', list(receivables.adjustmentFilter, receivables.adjustmentRow)),
  operator('GET', '/adjustments/:id', 'Receivables', 'One adjustment with the payments applied to it', { responses: { 200: receivables.adjustmentDetail } }),
  operator('GET', '/statements', 'Receivables', 'Statements', list(receivables.statementFilter, receivables.statementRow)),
  operator('GET', '/statements/:id', 'Receivables', 'One statement with its items', { responses: { 200: receivables.statementDetail } }),

  operator('GET', '/jobs', 'Receivables', 'Jobs with their delivery dates, open balance and lien deadlines (preliminary notice, lien filing) in dealer-local days', list(jobs.jobFilter, jobs.jobRow)),
  operator('GET', '/jobs/:id', 'Receivables', 'One job with its lien deadlines', { responses: { 200: jobs.jobRow } }),
  operator('GET', '/jobs/:id/pay-links', 'Receivables', 'The job\'s pay links (docs/company-roles.md)', { responses: { 200: companyRoles.jobPayLinks } }),
  operator('POST', '/jobs/:id/pay-links', 'Receivables', 'Make a pay link for the job: whoever holds it pays the job\'s open items without a login (audited; the link is answered once)', { body: companyRoles.createJobPayLinkBody, responses: { 201: companyRoles.jobPayLink } }),
  operator('POST', '/job-pay-links/:id/revoke', 'Receivables', 'Revoke a job pay link (audited)', { responses: { 200: companyRoles.jobPayLink } }),
  operator('GET', '/settings/lien-deadlines', 'Settings', 'Lien deadline days per state: the simplified defaults and the dealer\'s overrides', { responses: { 200: jobs.lienDeadlineSettings } }),
  operator('PUT', '/settings/lien-deadlines', 'Settings', 'Override states\' preliminary-notice and lien-filing days, 1 to 365 (audited); replaces every override', { roles: ADMIN, body: jobs.lienDeadlineOverridesBody, responses: { 200: jobs.lienDeadlineSettings } }),

  operator('GET', '/short-pays', 'Receivables', 'The short-pay worklist: items paid in part with the customer\'s reason (filter status=open for those to review)', list(shortPays.shortPayFilter, shortPays.shortPay)),
  operator('GET', '/short-pays/:id', 'Receivables', 'One short-pay', { responses: { 200: shortPays.shortPay } }),
  operator('GET', '/customers/:id/scheduled-payments', 'Customers', 'Payments the customer scheduled from the portal for a later date, latest date first, with their items and what became of each', { responses: { 200: scheduledPayments.scheduledPayments } }),
  operator('POST', '/scheduled-payments/:id/cancel', 'Customers', 'Cancel a customer\'s scheduled payment that has not run: its items are free again and the customer is emailed the reason (audited)', { roles: BOTH_ROLES, body: operatorSchedules.cancelScheduleBody, responses: { 200: scheduledPayments.scheduledPayment } }),
  operator('GET', '/customers/:id/credit', 'Receivables', 'A customer\'s unapplied (on-account) credit: balance and ledger, newest first', { responses: { 200: accountCredit.accountCredit } }),
  operator('POST', '/customers/:id/credit/apply', 'Receivables', 'Apply the customer\'s unapplied credit to open invoices, oldest first; posted as unapplied-cash applications (audited)', { roles: BOTH_ROLES, body: accountCredit.applyCreditBody, responses: { 200: accountCredit.creditApplied } }),
  operator('POST', '/short-pays/:id/resolve', 'Receivables', 'Resolve a short-pay claim; reminders resume for what is left on the item (audited)', { roles: BOTH_ROLES, body: shortPays.resolveShortPayBody, responses: { 200: shortPays.shortPay } }),

  operator('GET', '/audit-events', 'Audit', 'The audit log, newest first', list(auditEvents.auditFilter, auditEvents.auditEvent)),
  operator('GET', '/audit-events/:id', 'Audit', 'One audit event', { responses: { 200: auditEvents.auditEvent } }),

  operator('GET', '/settings/dealer', 'Settings', 'The dealer\'s settings', { responses: { 200: settings.dealerSettings } }),
  operator('PUT', '/settings/dealer', 'Settings', 'Change the dealer\'s settings (audited)', { roles: ADMIN, body: settings.dealerSettingsBody, responses: { 200: settings.dealerSettings } }),
  operator('GET', '/settings/reminders', 'Reminders', 'The dealer\'s payment-reminder cadence and templates (off by default)', { responses: { 200: reminders.reminderSettings } }),
  operator('PUT', '/settings/reminders', 'Reminders', 'Change the reminder cadence, templates, or turn reminders on or off (audited)', { roles: ADMIN, body: reminders.reminderSettingsBody, responses: { 200: reminders.reminderSettings } }),
  operator('GET', '/api-keys', 'API keys', 'The dealer\'s API keys, active first; never their secrets', { roles: ADMIN, ...list(apiKeys.apiKeyFilter, apiKeys.apiKeyRow) }),
  operator('GET', '/api-keys/:id', 'API keys', 'One API key', { roles: ADMIN, responses: { 200: apiKeys.apiKeyRow } }),
  operator('POST', '/api-keys', 'API keys', 'Create a key; the answer holds its secret, shown this once (audited)', { roles: ADMIN, body: apiKeys.createApiKeyBody, responses: { 201: apiKeys.issuedApiKey } }),
  operator('POST', '/api-keys/:id/rotate', 'API keys', 'Replace a key with a new secret under the same name and scope; the old one stops working (audited)', { roles: ADMIN, responses: { 201: apiKeys.issuedApiKey } }),
  operator('POST', '/api-keys/:id/revoke', 'API keys', 'Revoke a key at once (audited)', { roles: ADMIN, responses: { 200: apiKeys.apiKeyRow } }),
  operator('GET', '/webhook-endpoints', 'Webhooks', 'The dealer\'s webhook endpoints, newest first, with delivery counts; never their secrets', { roles: ADMIN, ...list(webhookEndpoints.webhookEndpointFilter, webhookEndpoints.webhookEndpointRow) }),
  operator('GET', '/webhook-endpoints/:id', 'Webhooks', 'One webhook endpoint', { roles: ADMIN, responses: { 200: webhookEndpoints.webhookEndpointRow } }),
  operator('POST', '/webhook-endpoints', 'Webhooks', 'Register an endpoint; the answer holds its signing secret, shown this once (audited)', { roles: ADMIN, body: webhookEndpoints.createWebhookEndpointBody, responses: { 201: webhookEndpoints.webhookEndpointWithSecret } }),
  operator('PUT', '/webhook-endpoints/:id', 'Webhooks', 'Change an endpoint\'s URL, description or event types, or disable / enable it (audited)', { roles: ADMIN, body: webhookEndpoints.updateWebhookEndpointBody, responses: { 200: webhookEndpoints.webhookEndpointRow } }),
  operator('POST', '/webhook-endpoints/:id/roll-secret', 'Webhooks', 'Replace the signing secret; the answer holds the new one, shown this once (audited)', { roles: ADMIN, responses: { 201: webhookEndpoints.webhookEndpointWithSecret } }),
  operator('GET', '/webhook-endpoints/:id/deliveries', 'Webhooks', 'The endpoint\'s delivery log, newest first: status, attempts, last answer and its time', { roles: ADMIN, ...list(webhookEndpoints.webhookDeliveryFilter, webhookEndpoints.webhookDeliveryRow) }),
  operator('GET', '/webhook-deliveries/:id', 'Webhooks', 'One delivery with each attempt', { roles: ADMIN, responses: { 200: webhookEndpoints.webhookDeliveryDetail } }),
  operator('POST', '/webhook-deliveries/:id/resend', 'Webhooks', 'Send the event again, same event id and body (audited)', { roles: ADMIN, responses: { 202: webhookEndpoints.webhookDeliveryDetail } }),
  operator('GET', '/operators', 'Team', 'The dealer\'s operators', list(operators.operatorFilter, operators.operatorRow)),
  operator('GET', '/operators/:id', 'Team', 'One operator', { responses: { 200: operators.operatorRow } }),
  operator('POST', '/operators', 'Team', 'Invite an operator', { roles: ADMIN, body: operators.inviteOperatorBody, responses: { 201: operators.operatorRow } }),
  operator('POST', '/operators/:id/resend-invitation', 'Team', 'Send the invitation link again', { roles: ADMIN, responses: { 200: operators.operatorRow } }),
  operator('PUT', '/operators/:id', 'Team', 'Change an operator\'s name, role or status', { roles: ADMIN, body: operators.updateOperatorBody, responses: { 200: operators.operatorRow } }),

  operator('GET', '/payments', 'Payments', 'Incoming Payments', list(payments.paymentFilter, payments.paymentRow)),
  operator('GET', '/payments/volume', 'Payments', 'Submitted amount and count per dealer-local day', { query: payments.volumeQuery, responses: { 200: z.array(payments.volumeDay) } }),
  operator('GET', '/payments/export.csv', 'Payments', 'The filtered payments as CSV', { listFilter: payments.paymentFilter, responses: { 200: csv('One row per payment, money as decimals') } }),
  operator('GET', '/lien-waivers', 'Lien waivers', 'The dealer\'s lien waivers, per payment or job, newest first', list(lienWaivers.lienWaiverFilter, lienWaivers.lienWaiverRow)),
  operator('GET', '/lien-waivers/:id', 'Lien waivers', 'One lien waiver with every download of it (who received it, when)', { responses: { 200: lienWaivers.lienWaiverDetail } }),
  operator('GET', '/lien-waivers/:id/pdf', 'Lien waivers', 'The lien waiver as PDF (the download is audited)', { responses: { 200: { contentType: 'application/pdf', description: 'The waiver' } } }),
  operator('GET', '/settings/lien-waivers', 'Lien waivers', 'The lien waiver form (progress or final) the dealer uses per state', { responses: { 200: lienWaivers.lienWaiverFormsSettings } }),
  operator('PUT', '/settings/lien-waivers', 'Lien waivers', 'Choose the lien waiver form per state (audited); a waiver already issued keeps its form', { roles: ADMIN, body: lienWaivers.lienWaiverFormsBody, responses: { 200: lienWaivers.lienWaiverFormsSettings } }),
  operator('GET', '/payments/:id', 'Payments', 'One payment with its applications, timeline, decisions and the actions it takes', { responses: { 200: payments.paymentDetail } }),
  operator('POST', '/payments/:id/freeze', 'Payments', 'Hold a payment for review', { body: payments.reasonBody, responses: { 200: payments.paymentDetail } }),
  operator('POST', '/payments/:id/release', 'Payments', 'Release a held payment', { body: payments.releaseBody, responses: { 200: payments.paymentDetail } }),
  operator('POST', '/payments/:id/terminate', 'Payments', 'Cancel or refund a payment', { body: payments.reasonBody, responses: { 200: payments.paymentDetail } }),
  operator('POST', '/payments/:id/dispute', 'Payments', 'Record a dispute', { body: payments.reasonBody, responses: { 200: payments.paymentDetail } }),
  operator('POST', '/payments/:id/resolve-dispute', 'Payments', 'Resolve a dispute (upheld or refunded)', { body: payments.resolveDisputeBody, responses: { 200: payments.paymentDetail } }),
  operator('POST', '/payments/:id/refund', 'Payments', 'Send money of a settled payment back: the rest, an amount, or chosen items (admins)', { body: payments.refundBody, responses: { 200: payments.paymentDetail } }),
  operator('PUT', '/payments/:id/disputes/:disputeId/evidence', 'Payments', 'Write down the evidence sent for a card dispute', { body: payments.disputeEvidenceBody, responses: { 200: payments.paymentDetail } }),
  operator('POST', '/payments/:id/failure-decision', 'Payments', 'Record what the AR team decided about a failed, returned or disputed payment', { body: payments.failureDecisionBody, responses: { 200: payments.paymentDetail } }),

  operator('GET', '/settlements', 'Settlements', 'Settlements with their three posting categories', list(settlements.settlementFilter, settlements.settlementRow)),
  operator('GET', '/settlements/:id', 'Settlements', 'One settlement with its payments and first lines', { responses: { 200: settlements.settlementDetail } }),
  operator('GET', '/settlements/:id/lines', 'Settlements', 'Every GL line of a settlement, paged', list(settlements.lineFilter, settlements.glLine)),
  operator('POST', '/settlements/:id/close', 'Settlements', 'Close a settlement early', { responses: { 200: settlements.settlementDetail } }),
  operator('POST', '/settlements/:id/categories/:category/mark-posted', 'Settlements', 'Mark one category posted by hand', { body: settlements.markPostedBody, responses: { 200: settlements.settlementDetail } }),
  operator('POST', '/settlements/:id/resolve', 'Settlements', 'Resolve a posted settlement', { responses: { 200: settlements.settlementDetail } }),
  operator('POST', '/settlements/:id/auto-post', 'Settlements', 'Post the settlement to Spruce (starts or joins the posting run)', { body: settlements.autoPostBody, responses: { 200: settlements.autoPostAnswer, 202: settlements.autoPostAnswer } }),
  operator('GET', '/settlements/:id/posting-progress', 'Settlements', 'The auto-post run\'s progress', { responses: { 200: settlements.postingProgress } }),
  operator('GET', '/settlements/:id/posting-file.csv', 'Settlements', 'The posting file for an ERP payment-entry import', { query: settlements.postingFileQuery, responses: { 200: csv('One row per GL line, in posting order') } }),
  operator('GET', '/settlements/:id/summary.csv', 'Settlements', 'The settlement\'s payments as CSV', { query: settlements.summaryCsvQuery, responses: { 200: csv('One row per payment held or reversed here') } }),
  operator('GET', '/settlements/:id/reconciliation', 'Settlements', 'Drypowder, the processor and Spruce side by side for one settlement', { responses: { 200: settlements.reconciliationReport } }),
  operator('GET', '/reconciliation', 'Settlements', 'The reconciliation report of one business day', { query: settlements.reconciliationQuery, responses: { 200: settlements.dayReconciliationReport } }),

  operator('GET', '/integration', 'Integration', 'The integration mode and the Spruce sync\'s health', { responses: { 200: integration.integrationStatus } }),
  operator('POST', '/integration/resync', 'Integration', 'Read the whole book from Spruce again', { roles: ADMIN, responses: { 202: integration.resyncAnswer } }),
  operator('GET', '/dashboard', 'Dashboard', 'The console\'s home figures', { responses: { 200: dashboard.dashboardFigures } }),
];

const idempotencyHeader = { 'Idempotency-Key': { required: true, description: 'One per press of Pay (8–200 of A-Z a-z 0-9 . _ : -): a retried submit answers the same payment' } };

const portalRoutes: RouteContract[] = [
  portalPublic('POST', '/invitations/lookup', 'Portal registration', 'What an invitation link is for', { body: registration.invitationLookupBody, responses: { 200: registration.invitationLookup } }),
  portalPublic('POST', '/register', 'Portal registration', 'Register a new login from an invitation', { body: registration.registerBody, responses: { 201: portalAuth.portalSession } }),
  portalPublic('POST', '/register/existing', 'Portal registration', 'Link an invitation to an existing login', { body: registration.registerExistingBody, responses: { 201: portalAuth.portalSession } }),
  portalPublic('POST', '/invitations/decline', 'Portal registration', 'Decline an invitation', { body: registration.invitationLookupBody, responses: { 200: registration.declineAnswer } }),
  portalPublic('POST', '/auth/forgot-password', 'Portal session', 'Ask for a password reset link', { body: portalAuth.forgotPasswordBody, responses: { 202: portalAuth.forgotPasswordAnswer } }),
  portalPublic('POST', '/auth/reset-password', 'Portal session', 'Choose a new password through a reset link', { body: portalAuth.resetPasswordBody, responses: { 204: NO_CONTENT } }),
  portalPublic('POST', '/auth/sign-in', 'Portal session', 'Sign in; sets the session cookie and answers the CSRF token', { body: portalAuth.signInBody, responses: { 200: portalAuth.portalSession } }),
  portalPublic('POST', '/auth/sign-out', 'Portal session', 'Sign out', { responses: { 204: NO_CONTENT } }),
  customer('GET', '/auth/session', 'Portal session', 'The signed-in user and the CSRF token', { responses: { 200: portalAuth.portalSession } }),

  customer('GET', '/dealers', 'Outstanding', 'Suppliers the company\'s linked accounts owe', { responses: { 200: z.array(outstanding.dealerSummary) } }),
  customer('GET', '/outstanding', 'Outstanding', 'What is owed to one supplier, grouped by account and job', { query: outstanding.outstandingQuery, responses: { 200: outstanding.outstanding } }),
  customer('GET', '/outstanding/items', 'Outstanding', 'A page of the open items the Outstanding page lists, narrowed to an account, a job (`none`: not assigned to a job) or chosen ids', { query: outstanding.outstandingItemsQuery, responses: { 200: outstanding.outstandingItemsPage } }),

  customer('GET', '/payments', 'Portal payments', 'Payments history', { query: portalPayments.historyQuery, responses: { 200: portalPayments.paymentHistory } }),
  customer('GET', '/payments/:id', 'Portal payments', 'One payment', { responses: { 200: portalPayments.paymentDetail } }),
  customer('GET', '/payments/:id/receipt.pdf', 'Portal payments', 'The payment receipt as PDF', { responses: { 200: { contentType: 'application/pdf', description: 'The receipt' } } }),
  customer('POST', '/payments/:id/receipt/email', 'Portal payments', 'Email the receipt to the signed-in user', { responses: { 202: portalPayments.receiptEmailed } }),
  customer('POST', '/payments/preview', 'Portal payments', 'Quote a selection: exactly what submit would charge', { body: portalPayments.paymentRequest, responses: { 200: portalPayments.preview } }),
  customer('POST', '/payments', 'Portal payments', 'Pay: charges exactly the previewed quote (202: above the company\'s approval threshold, held for an owner)', { body: portalPayments.paymentRequest, headers: idempotencyHeader, responses: { 200: portalPayments.submittedPayment, 201: portalPayments.submittedPayment, 202: companyRoles.approvalRequested } }),
  customer('POST', '/scheduled-payments/preview', 'Portal payments', 'Quote a selection as of a later date: what paying on that date would charge', { body: scheduledPayments.scheduleRequest, responses: { 200: scheduledPayments.schedulePreview } }),
  customer('POST', '/scheduled-payments', 'Portal payments', 'Schedule the payment for a later date; its items are reserved until then (202: above the company\'s approval threshold, held for an owner)', { body: scheduledPayments.scheduleRequest, headers: idempotencyHeader, responses: { 200: scheduledPayments.scheduledPayment, 201: scheduledPayments.scheduledPayment, 202: companyRoles.approvalRequested } }),
  customer('GET', '/scheduled-payments', 'Portal payments', 'The company\'s scheduled payments, latest date first', { responses: { 200: scheduledPayments.scheduledPayments } }),
  customer('POST', '/scheduled-payments/:id/cancel', 'Portal payments', 'Cancel a scheduled payment that has not run; its items are free again (audited)', { responses: { 200: scheduledPayments.scheduledPayment } }),
  customer('POST', '/credit/apply', 'Portal payments', 'Apply the account\'s unapplied credit to invoices; no money moves', { body: portalAccountCredit.portalApplyCreditBody, responses: { 200: portalAccountCredit.portalCreditApplied } }),
  customer('POST', '/autopay/preview', 'Autopay', 'The recurring ACH authorization this enrolment would give, in the words shown beside Turn on autopay (null for a card)', { roles: COMPANY_ACCOUNT_WIDE, body: autopay.enrolmentRequest, responses: { 200: z.strictObject({ achAuthorization: autopay.authorizationPreview }) } }),
  customer('POST', '/autopay', 'Autopay', 'Enrol a dealer account in autopay with a saved method and a rule; records the authorization with user, IP and time (audited)', { roles: COMPANY_ACCOUNT_WIDE, body: autopay.enrolmentRequest, responses: { 201: autopay.enrolment } }),
  customer('GET', '/autopay', 'Autopay', 'The company\'s autopay enrolments with their next debit date', { roles: COMPANY_ACCOUNT_WIDE, responses: { 200: autopay.enrolments } }),
  customer('POST', '/autopay/:id/cancel', 'Autopay', 'Cancel autopay (revoke the authorization); no later debit is made (audited)', { roles: COMPANY_ACCOUNT_WIDE, responses: { 200: autopay.enrolment } }),
  customer('POST', '/autopay/:id/resume', 'Autopay', 'Turn autopay back on after it stopped to ask, optionally with a new maximum (audited)', { roles: COMPANY_ACCOUNT_WIDE, body: autopay.resumeRequest, responses: { 200: autopay.enrolment } }),
  customer('GET', '/autopay/:id/authorization.pdf', 'Autopay', 'The recurring payment authorization as accepted, as PDF', { roles: COMPANY_ACCOUNT_WIDE, responses: { 200: { contentType: 'application/pdf', description: 'The authorization' } } }),
  customer('GET', '/payment-attempts/:id', 'Portal payments', 'The payment a submit attempt created, by its Idempotency-Key', { responses: { 200: portalPayments.submittedPayment } }),

  customer('GET', '/lien-waivers', 'Lien waivers', 'Lien waivers of the linked accounts, per payment or per job, newest first', { query: portalLienWaivers.portalLienWaiverQuery, responses: { 200: portalLienWaivers.portalLienWaivers } }),
  customer('GET', '/invoices/:id/documents', 'Documents', 'The invoice copy and delivery tickets behind an invoice of a linked account', { responses: { 200: documents.itemDocuments } }),
  customer('GET', '/invoices/:id/documents/:documentId', 'Documents', 'One document of the invoice (a delivery ticket download is audited)', { responses: { 200: documentFile } }),
  customer('GET', '/lien-waivers/:id/pdf', 'Lien waivers', 'The lien waiver as PDF (the download is recorded)', { responses: { 200: { contentType: 'application/pdf', description: 'The waiver' } } }),

  customer('GET', '/team', 'Company team', 'The company\'s logins, roles, assignable jobs and approval threshold (owners)', { roles: COMPANY_OWNER, responses: { 200: companyRoles.team } }),
  customer('POST', '/team/members', 'Company team', 'Add a login in a role; they get a link to choose their password (owners, audited)', { roles: COMPANY_OWNER, body: companyRoles.addTeamMemberBody, responses: { 201: companyRoles.teamMember } }),
  customer('PUT', '/team/members/:id', 'Company team', 'Change a login\'s role, a project manager\'s jobs, or disable it (owners, audited)', { roles: COMPANY_OWNER, body: companyRoles.updateTeamMemberBody, responses: { 200: companyRoles.teamMember } }),
  customer('PUT', '/team/approval-threshold', 'Company team', 'The amount above which a non-owner\'s payment waits for an owner; null for none (owners, audited)', { roles: COMPANY_OWNER, body: companyRoles.approvalThresholdBody, responses: { 200: companyRoles.team } }),
  customer('GET', '/payment-approvals', 'Company team', 'Payments waiting for (or decided by) an owner, within the user\'s scope', { responses: { 200: companyRoles.paymentApprovals } }),
  customer('POST', '/payment-approvals/:id/approve', 'Company team', 'Approve: the payment is made at once, or a scheduled one is scheduled for its date (owners, audited)', { roles: COMPANY_OWNER, responses: { 200: companyRoles.approvalRequested } }),
  customer('POST', '/payment-approvals/:id/decline', 'Company team', 'Decline: the items are released and the requester told (owners, audited)', { roles: COMPANY_OWNER, body: companyRoles.declineApprovalBody, responses: { 200: companyRoles.approvalRequested } }),

  customer('GET', '/job-pay-links', 'Company team', 'The pay links the company\'s owners made (owners)', { roles: COMPANY_OWNER, responses: { 200: companyRoles.jobPayLinks } }),
  customer('POST', '/job-pay-links', 'Company team', 'Make a pay link for one job of the company\'s accounts (owners, audited; the link is answered once)', { roles: COMPANY_OWNER, body: companyRoles.createPortalJobPayLinkBody, responses: { 201: companyRoles.jobPayLink } }),
  customer('POST', '/job-pay-links/:id/revoke', 'Company team', 'Revoke a job pay link (owners, audited)', { roles: COMPANY_OWNER, responses: { 200: companyRoles.jobPayLink } }),
  portalPublic('GET', '/job-links/:token', 'Job pay link', 'What a job pay link shows its holder: the supplier, the job\'s open items and the ways they linked to pay', { responses: { 200: companyRoles.jobLinkView } }),
  portalPublic('POST', '/job-links/:token/card-session', 'Job pay link', 'A short-lived token for Moov\'s card-link Drop, for the link\'s payer', { responses: { 200: paymentMethods.cardSession } }),
  portalPublic('POST', '/job-links/:token/cards', 'Job pay link', 'Save the card the payer linked', { body: paymentMethods.saveCardBody, responses: { 201: paymentMethods.paymentMethod } }),
  portalPublic('POST', '/job-links/:token/plaid/link-token', 'Job pay link', 'Start linking the payer\'s bank account', { responses: { 200: paymentMethods.plaidLinkToken } }),
  portalPublic('POST', '/job-links/:token/plaid/exchange', 'Job pay link', 'Save the bank account the payer linked', { body: paymentMethods.plaidExchangeBody, responses: { 201: paymentMethods.paymentMethod } }),
  portalPublic('POST', '/job-links/:token/preview', 'Job pay link', 'Quote paying every open item of the job with this method', { body: companyRoles.jobLinkPayBody, responses: { 200: portalPayments.preview } }),
  portalPublic('POST', '/job-links/:token/payments', 'Job pay link', 'Pay every open item of the job: exactly the previewed quote', { body: companyRoles.jobLinkPayBody, headers: idempotencyHeader, responses: { 200: companyRoles.jobLinkPayment, 201: companyRoles.jobLinkPayment } }),
  portalPublic('GET', '/job-links/:token/payments/:paymentId', 'Job pay link', 'A payment made through the link', { responses: { 200: companyRoles.jobLinkPayment } }),

  customer('GET', '/payment-methods', 'Payment methods', 'Saved payment methods', { responses: { 200: z.array(paymentMethods.paymentMethod) } }),
  customer('POST', '/payment-methods/plaid/link-token', 'Payment methods', 'Start linking a bank account', { responses: { 200: paymentMethods.plaidLinkToken } }),
  customer('POST', '/payment-methods/plaid/exchange', 'Payment methods', 'Save the bank account the customer linked', { body: paymentMethods.plaidExchangeBody, responses: { 201: paymentMethods.paymentMethod } }),
  customer('POST', '/payment-methods/:id/plaid/relink-token', 'Payment methods', 'Start reconnecting a bank account whose login expired (Link\'s update mode)', { responses: { 200: paymentMethods.plaidLinkToken } }),
  customer('POST', '/payment-methods/:id/plaid/relinked', 'Payment methods', 'Confirm the bank account was reconnected', { responses: { 200: paymentMethods.paymentMethod } }),
  customer('POST', '/payment-methods/card-session', 'Payment methods', 'A short-lived token for Moov\'s card-link Drop', { responses: { 200: paymentMethods.cardSession } }),
  customer('POST', '/payment-methods/cards', 'Payment methods', 'Save a card linked through Moov\'s card-link Drop', { body: paymentMethods.saveCardBody, responses: { 201: paymentMethods.paymentMethod } }),
  customer('DELETE', '/payment-methods/:id', 'Payment methods', 'Remove a saved payment method', { responses: { 204: NO_CONTENT } }),
];

const V1 = '/api/v1';
const dealerApi = (method: HttpMethod, path: string, tag: string, summary: string, rest: Omit<RouteContract, 'method' | 'path' | 'tag' | 'summary' | 'login'>): RouteContract =>
  ({ method, path: `${V1}${path}`, tag: `v1 ${tag}`, summary, login: 'api_key', ...rest });
const WRITE_SCOPE = ['scope:write'] as const;

const publicApiRoutes: RouteContract[] = [
  dealerApi('GET', '/customers', 'Receivables', 'Customer accounts, by cursor', { query: v1.customerListQuery, responses: { 200: pageOf(customers.customerRow) } }),
  dealerApi('GET', '/customers/:id', 'Receivables', 'One customer account with its figures, contacts and jobs', { responses: { 200: customers.customerDetail } }),
  dealerApi('GET', '/invoices', 'Receivables', 'Invoices, by cursor', { query: v1.invoiceListQuery, responses: { 200: pageOf(receivables.invoiceRow) } }),
  dealerApi('GET', '/invoices/:id', 'Receivables', 'One invoice with the payments applied to it', { responses: { 200: receivables.invoiceDetail } }),
  dealerApi('GET', '/invoices/:id/documents', 'Documents', 'The invoice copy and delivery tickets behind an invoice', { responses: { 200: documents.itemDocuments } }),
  dealerApi('POST', '/invoices/:id/documents', 'Documents', 'Upload an invoice copy or delivery ticket as multipart/form-data (file-based dealers; PDF, PNG or JPEG up to 10 MB; write scope)', {
    roles: WRITE_SCOPE, headers: idempotencyKeyHeader, body: documents.documentUploadBody, bodyType: 'multipart', responses: { 201: documents.itemDocument },
  }),
  dealerApi('GET', '/invoices/:id/documents/:documentId', 'Documents', 'One document of the invoice, its bytes as kept', { responses: { 200: documentFile } }),
  dealerApi('GET', '/adjustments', 'Receivables', 'Credit and debit adjustments, by cursor', { query: v1.adjustmentListQuery, responses: { 200: pageOf(receivables.adjustmentRow) } }),
  dealerApi('GET', '/adjustments/:id', 'Receivables', 'One adjustment with the payments applied to it', { responses: { 200: receivables.adjustmentDetail } }),
  dealerApi('GET', '/statements', 'Receivables', 'Statements, by cursor', { query: v1.statementListQuery, responses: { 200: pageOf(receivables.statementRow) } }),
  dealerApi('GET', '/statements/:id', 'Receivables', 'One statement with its items', { responses: { 200: receivables.statementDetail } }),
  dealerApi('GET', '/payments', 'Payments', 'Payments, by cursor, filtered by status, method, customer, settlement and day submitted', { query: v1.paymentListQuery, responses: { 200: pageOf(payments.paymentRow) } }),
  dealerApi('GET', '/payments/:id', 'Payments', 'One payment with its applications and timeline', { responses: { 200: v1.paymentDetail } }),
  dealerApi('GET', '/settlements', 'Settlements', 'Settlements, by cursor', { query: v1.settlementListQuery, responses: { 200: pageOf(settlements.settlementRow) } }),
  dealerApi('GET', '/settlements/:id', 'Settlements', 'One settlement with its payments and first lines', { responses: { 200: settlements.settlementDetail } }),
  dealerApi('GET', '/settlements/:id/posting-file.csv', 'Settlements', 'The posting file for an ERP payment-entry import', { query: v1.postingFileQuery, responses: { 200: csv('One row per GL line, in posting order') } }),
  dealerApi('POST', '/settlements/:id/close', 'Settlements', 'Close an open settlement before its cutoff (write scope)', { roles: WRITE_SCOPE, headers: idempotencyKeyHeader, responses: { 200: settlements.settlementDetail } }),
  dealerApi('POST', '/ingestion-runs', 'Ingestion', 'Upload CSV files (multipart, as the console does) or the same rows as a JSON batch; validation starts at once (write scope)', {
    roles: WRITE_SCOPE, headers: idempotencyKeyHeader, body: v1Ingestion.jsonBatchBody, alternativeBodies: { 'multipart/form-data': v1Ingestion.csvUploadBody }, responses: { 202: ingestion.ingestionRun },
  }),
  dealerApi('GET', '/ingestion-runs/:id', 'Ingestion', 'One upload: its status, files and counts', { responses: { 200: ingestion.ingestionRun } }),
  dealerApi('GET', '/ingestion-runs/:id/errors', 'Ingestion', 'The rows validation refused, with row number (and, for a JSON batch, row index) and the faulty columns, by cursor', { query: v1Ingestion.rowErrorListQuery, responses: { 200: pageOf(v1Ingestion.ingestionRowError) } }),
  dealerApi('POST', '/ingestion-runs/:id/commit', 'Ingestion', 'Commit a validated upload: every valid row in one transaction (write scope)', { roles: WRITE_SCOPE, headers: idempotencyKeyHeader, responses: { 202: ingestion.ingestionRun } }),
  dealerApi('POST', '/ingestion-runs/:id/cancel', 'Ingestion', 'Cancel an upload not yet committed (write scope)', { roles: WRITE_SCOPE, headers: idempotencyKeyHeader, responses: { 200: ingestion.ingestionRun } }),
  dealerApi('GET', '/events', 'Events', 'What happened to payments and settlements, oldest first, after a cursor', { query: v1.eventListQuery, responses: { 200: pageOf(v1.domainEvent) } }),
];

const PLATFORM = '/api/platform';

const platformRoutes: RouteContract[] = [
  {
    method: 'POST', path: `${PLATFORM}/dealers`, tag: 'Platform', login: 'platform_admin',
    summary: 'Onboard a dealer: settings, first admin invited, Spruce connection checked live and stored sealed (or file-based), Moov account created or attached. Idempotent by slug: 201 created, 200 unchanged, 409 dealer_differs with every difference',
    body: platformDealers.onboardDealerBody, responses: { 201: platformDealers.onboardingAnswer, 200: platformDealers.onboardingAnswer },
  },
  {
    method: 'GET', path: `${PLATFORM}/dealers/:slug`, tag: 'Platform', login: 'platform_admin',
    summary: 'A dealer as onboarding left it: settings, integration (no secrets), Moov account, admins',
    responses: { 200: platformDealers.onboardedDealer },
  },
];

const webhookRoutes: RouteContract[] = [
  {
    method: 'POST', path: '/webhooks/moov', tag: 'Webhooks', summary: 'Moov event notifications (HMAC-SHA512 signed headers)', login: 'signature',
    body: moov.moovWebhookBody, responses: { 200: moov.moovWebhookTaken, 202: moov.moovWebhookSetAside },
  },
  {
    method: 'POST', path: '/webhooks/plaid', tag: 'Webhooks', summary: 'Plaid item webhooks (ES256 JWT in Plaid-Verification over the body\'s SHA-256)', login: 'signature',
    body: plaid.plaidWebhookBody, responses: { 200: plaid.plaidWebhookTaken },
  },
  {
    method: 'POST', path: '/webhooks/spruce', tag: 'Webhooks', summary: 'Spruce change deliveries (HMAC-SHA256 signed)', login: 'signature',
    body: spruce.spruceWebhookBody, responses: { 200: spruce.spruceWebhookTaken, 202: spruce.spruceWebhookIgnored },
  },
];

const referenceRoutes: RouteContract[] = [
  { method: 'GET', path: '/api/openapi.json', tag: 'Reference', summary: 'This document', login: 'none', responses: { 200: z.record(z.string(), z.unknown()) } },
  { method: 'GET', path: '/api/docs', tag: 'Reference', summary: 'This document as a page to read', login: 'none', responses: { 200: { contentType: 'text/html', description: 'The API reference' } } },
];

export const ROUTES: readonly RouteContract[] = [...operatorRoutes, ...portalRoutes, ...publicApiRoutes, ...platformRoutes, ...webhookRoutes, ...referenceRoutes];

export { listQuery };

const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
const byKey = new Map(ROUTES.map((route) => [key(route.method, route.path), route]));

/** The contract of one route by its method and Express path, e.g. ('GET', '/api/operator/payments/:id'). */
export function routeContract(method: string, path: string): RouteContract | undefined {
  return byKey.get(key(method, path));
}
