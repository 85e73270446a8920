import { Router } from 'express';
import type { AppDeps } from '../deps';
import { apiKeyRoutes } from './api-keys';
import { auditEventRoutes } from './audit-events';
import { customerEmailRoutes } from './customer-emails';
import { customerRoutes } from './customers';
import { dashboardRoutes } from './dashboard';
import { failureDecisionRoutes } from './failure-decisions';
import { integrationRoutes } from './integration';
import { ingestionRunRoutes } from './ingestion-runs';
import { invitationRoutes } from './invitations';
import { lienWaiverRoutes } from './lien-waivers';
import { operatorUserRoutes } from './operators';
import { paymentRoutes } from './payments';
import { portalAccessRoutes } from './portal-access';
import { receivableRoutes } from './receivables';
import { reminderRoutes } from './reminders';
import { settingsRoutes } from './settings';
import { reconciliationRoutes } from './reconciliation';
import { settlementFileRoutes } from './settlement-files';
import { settlementRoutes } from './settlements';
import { webhookEndpointRoutes } from './webhook-endpoints';

/** Operator resources; every handler scopes its queries by `req.operator.dealerId`. */
export function operatorRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use(customerRoutes(deps));
  router.use(customerEmailRoutes(deps));
  router.use(portalAccessRoutes(deps));
  router.use(ingestionRunRoutes(deps));
  router.use(invitationRoutes(deps));
  router.use(receivableRoutes(deps));
  router.use(auditEventRoutes(deps));
  router.use(settingsRoutes(deps));
  router.use(reminderRoutes(deps));
  router.use(apiKeyRoutes(deps));
  router.use(webhookEndpointRoutes(deps));
  router.use(operatorUserRoutes(deps));
  router.use(paymentRoutes(deps));
  router.use(lienWaiverRoutes(deps));
  router.use(failureDecisionRoutes(deps));
  router.use(settlementRoutes(deps));
  router.use(settlementFileRoutes(deps));
  router.use(reconciliationRoutes(deps));
  router.use(integrationRoutes(deps));
  router.use(dashboardRoutes(deps));
  return router;
}
