import type { Request } from 'express';
import type { CompanyRole } from '../../domain/company-roles';
import type { ReachableAccount } from '../../db/sessions';
import { unauthorized } from '../errors';

export interface OperatorContext {
  id: string;
  dealerId: string;
  role: 'admin' | 'ar_operator';
  email: string;
  name: string;
}

export interface CustomerContext {
  id: string;
  companyId: string;
  email: string;
  name: string;
  role: CompanyRole;
  /** The jobs a project manager is assigned; null for roles that see every job. */
  jobIds: string[] | null;
  /** The accounts within reach when the request began (db/portal-scope.ts `portalScope` narrows to them without asking again). */
  reach?: ReachableAccount[];
}

declare module 'express-serve-static-core' {
  interface Request {
    operator?: OperatorContext;
    customer?: CustomerContext;
    csrfToken?: string;
    requestId?: string;
  }
}

export function operatorOf(req: Request): OperatorContext {
  if (!req.operator) throw unauthorized();
  return req.operator;
}

export function customerOf(req: Request): CustomerContext {
  if (!req.customer) throw unauthorized();
  return req.customer;
}
