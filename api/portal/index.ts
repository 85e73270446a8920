import { Router } from 'express';
import type { AppDeps } from '../deps';
import { documentRoutes } from './documents';
import { lienWaiverRoutes } from './lien-waivers';
import { outstandingRoutes } from './outstanding';
import { passwordResetRoutes } from './password-reset';
import { paymentHistoryRoutes } from './payment-history';
import { paymentMethodRoutes } from './payment-methods';
import { paymentSubmissionRoutes } from './payment-submission';
import { scheduledPaymentRoutes } from './scheduled-payments';
import { autopayRoutes } from './autopay';
import { registrationRoutes } from './registration';
import { portalCreditRoutes } from './account-credit';
import { companyTeamRoutes } from './company-team';
import { paymentApprovalRoutes } from './payment-approvals';
import { portalJobPayLinkRoutes } from './job-pay-links';
import { jobLinkRoutes } from './job-link';

/** Portal routes; every handler scopes its queries to the accounts the customer's company linked. */
export const portalRoutes = {
  /** Reachable without a session: invitation look-up, registration, password reset. */
  public(deps: AppDeps, secureCookies: boolean): Router {
    const router = Router();
    router.use(registrationRoutes(deps, secureCookies));
    router.use(passwordResetRoutes(deps));
    router.use(jobLinkRoutes(deps));
    return router;
  },
  authenticated(deps: AppDeps): Router {
    const router = Router();
    router.use(outstandingRoutes(deps));
    router.use(paymentHistoryRoutes(deps));
    router.use(paymentSubmissionRoutes(deps));
    router.use(scheduledPaymentRoutes(deps));
    router.use(autopayRoutes(deps));
    router.use(paymentMethodRoutes(deps));
    router.use(lienWaiverRoutes(deps));
    router.use(documentRoutes(deps));
    router.use(portalCreditRoutes(deps));
    router.use(companyTeamRoutes(deps));
    router.use(paymentApprovalRoutes(deps));
    router.use(portalJobPayLinkRoutes(deps));
    return router;
  },
};
