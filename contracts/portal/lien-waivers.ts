import { z } from 'zod';
import { GUID } from '../fields';
import { lienWaiverFields } from '../operator/lien-waivers';

/** Lien waivers as the payer sees them: per payment or per job, on the accounts its company linked. */

export const portalLienWaiverQuery = z.object({
  paymentId: z.string().regex(GUID, 'must be an id').optional(),
  jobId: z.string().regex(GUID, 'must be an id').optional(),
});

export const portalLienWaiver = z.strictObject({ ...lienWaiverFields, dealer_name: z.string() });
export const portalLienWaivers = z.strictObject({ waivers: z.array(portalLienWaiver) });
export type PortalLienWaiver = z.infer<typeof portalLienWaiver>;
