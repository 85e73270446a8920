import type { Db } from '../db/connection';
import type { Logger } from '../runtime/logger';

/** What activities need from the outside world; tests pass real instances pointed at emulators. */
export interface ActivityDeps {
  db: Db;
  logger: Logger;
}

/**
 * Activities are built by a factory so each process (worker, test) injects its own
 * connections; workflows only ever see their types (`import type`).
 */
export function createActivities(deps: ActivityDeps) {
  return {
    async recordAudit(event: { dealerId: string | null; actorKind: string; actorId?: string | null; action: string; entityType: string; entityId: string; data?: Record<string, unknown> }): Promise<void> {
      await deps.db('audit_events').insert({
        dealer_id: event.dealerId,
        actor_kind: event.actorKind,
        actor_id: event.actorId ?? null,
        action: event.action,
        entity_type: event.entityType,
        entity_id: event.entityId,
        data: event.data ?? {},
      });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
