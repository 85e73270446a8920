import { z } from 'zod';

/** Autopay on the console (docs/autopay.md); the enrolment's shape is the portal's (contracts/portal/autopay.ts). */
export const suspendBody = z.object({ reason: z.string().trim().min(3, 'give a reason of at least 3 characters').max(500) });
