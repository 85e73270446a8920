import type { Db } from './connection';

/**
 * Settled payments whose money can still come back, for the processor re-check: ACH within the
 * late-return window, cards within the chargeback window, each at most once per interval.
 * Keyset-paged by payment id so a pass over many payments is a series of small reads.
 */
export interface RecheckCandidate {
  id: string;
  dealer_id: string;
  method: 'ach' | 'card';
  moov_transfer_id: string;
  fingerprint: string | null;
}

/** Statuses whose money may still move at the processor (a return, a chargeback or its reversal, a refund). */
const RECHECKED_STATUSES = ['settled', 'disputed', 'refunded', 'charged_back'];

export async function transferRecheckCandidates(
  db: Db,
  query: { afterId: string | null; limit: number; dealerId: string | null; achSettledSince: Date; cardSettledSince: Date; checkedBefore: Date },
): Promise<RecheckCandidate[]> {
  return db('payments as p')
    .leftJoin('transfer_rechecks as r', 'r.payment_id', 'p.id')
    .whereNotNull('p.moov_transfer_id')
    .whereIn('p.status', RECHECKED_STATUSES)
    .where((window) => window
      .where((ach) => ach.where('p.method', 'ach').where('p.settled_at', '>=', query.achSettledSince))
      .orWhere((card) => card.where('p.method', 'card').where('p.settled_at', '>=', query.cardSettledSince)))
    .where((due) => due.whereNull('r.checked_at').orWhere('r.checked_at', '<', query.checkedBefore))
    .modify((page) => {
      if (query.afterId) page.where('p.id', '>', query.afterId);
      if (query.dealerId) page.where('p.dealer_id', query.dealerId);
    })
    .orderBy('p.id')
    .limit(query.limit)
    .select('p.id', 'p.dealer_id', 'p.method', 'p.moov_transfer_id', 'r.fingerprint');
}

export async function recordTransferRecheck(db: Db, paymentId: string, fingerprint: string, signalled: boolean): Promise<void> {
  await db('transfer_rechecks')
    .insert({ payment_id: paymentId, checked_at: db.fn.now(), fingerprint, signalled_at: signalled ? db.fn.now() : null })
    .onConflict('payment_id')
    .merge({ checked_at: db.fn.now(), fingerprint, ...(signalled ? { signalled_at: db.fn.now() } : {}) });
}
