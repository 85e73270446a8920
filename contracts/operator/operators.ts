import { z } from 'zod';
import { id, idFilter, oneOrMany, timestamp } from '../fields';
import { operatorRole, OPERATOR_ROLES } from './auth';

/** Team management: every operator sees the team; only admins invite, change roles or disable. */

export const OPERATOR_STATUSES = ['invited', 'active', 'disabled'] as const;

export const operatorFilter = z.object({
  q: z.string().trim().min(1).max(100).optional(),
  role: oneOrMany(z.enum(OPERATOR_ROLES)).optional(),
  status: oneOrMany(z.enum(OPERATOR_STATUSES)).optional(),
  id: idFilter.optional(),
});

export const inviteOperatorBody = z.object({
  email: z.string().trim().toLowerCase().email('must be an email address').max(254),
  name: z.string().trim().min(1, 'is required').max(200),
  role: operatorRole,
});

export const updateOperatorBody = z.object({
  role: operatorRole.optional(),
  status: z.enum(['active', 'disabled']).optional(),
  name: z.string().trim().min(1).max(200).optional(),
});

export const operatorRow = z.strictObject({
  id,
  email: z.string(),
  name: z.string(),
  role: operatorRole,
  status: z.enum(OPERATOR_STATUSES),
  last_login_at: timestamp.nullable(),
  created_at: timestamp,
  invite_expires_at: timestamp.nullable(),
});
export type OperatorRow = z.infer<typeof operatorRow>;
