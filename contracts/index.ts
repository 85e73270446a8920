/**
 * The API's contracts: one zod schema per request part and per answer, grouped by resource.
 * No I/O. Routes validate with them, the console and the portal import their types, the
 * OpenAPI document is generated from the route table.
 */
export * as fields from './fields';
export * from './errors';
export * from './list';
export * as operatorAuth from './operator/auth';
export * as auditEvents from './operator/audit-events';
export * as customers from './operator/customers';
export * as dashboard from './operator/dashboard';
export * as ingestionRuns from './operator/ingestion-runs';
export * as integration from './operator/integration';
export * as invitations from './operator/invitations';
export * as operators from './operator/operators';
export * as payments from './operator/payments';
export * as receivables from './operator/receivables';
export * as settings from './operator/settings';
export * as settlements from './operator/settlements';
export * as portalAuth from './portal/auth';
export * as outstanding from './portal/outstanding';
export * as portalPayments from './portal/payments';
export * as paymentMethods from './portal/payment-methods';
export * as registration from './portal/registration';
export * as moovWebhook from './webhooks/moov';
export * as plaidWebhook from './webhooks/plaid';
export * as spruceWebhook from './webhooks/spruce';
export * as platformDealers from './platform/dealers';
export { ROUTES, routeContract, isFileResponse, type RouteContract, type ResponseContract, type FileResponse } from './routes';
export { openApiDocument, openApiPath, jsonSchemaOf } from './openapi';
