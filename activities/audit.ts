import type { ActivityDeps } from '.';
import { recordAudit, type AuditEvent } from '../db/audit';

export function createAuditActivities({ db }: ActivityDeps) {
  return {
    async recordAudit(event: AuditEvent): Promise<void> {
      await recordAudit(db, event);
    },
  };
}
