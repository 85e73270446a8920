import type { Db } from '../../db/connection';
import type { Session } from './api-client';

/**
 * The operator's part of the lifecycle, done through the console's API: close each open
 * settlement a little while after it fills, auto-post every closed one with lines still to
 * post (Spruce may be taken down as the post starts), and resolve posted ones once every
 * payment in them is done. Repeating a step is harmless: a closed batch refuses a second
 * close, a second auto-post joins the running one.
 */
export interface SettlementCounts {
  closed: number;
  autoPosts: number;
  resolved: number;
  refusals: Record<string, number>;
}

export class SettlementDriver {
  readonly counts: SettlementCounts = { closed: 0, autoPosts: 0, resolved: 0, refusals: {} };

  constructor(
    private readonly db: Db,
    private readonly dealerId: string,
    private readonly operator: Session,
    private readonly options: { closeAfterMs: number; onAutoPost(): Promise<void>; log(line: string): void },
  ) {}

  private refused(code: string): void {
    this.counts.refusals[code] = (this.counts.refusals[code] ?? 0) + 1;
  }

  /** One pass; `closeAll` closes every open batch with lines regardless of age (the drain). */
  async pass(closeAll = false): Promise<void> {
    const settlements = await this.db('settlements as s').where('s.dealer_id', this.dealerId)
      .select('s.id', 's.number', 's.status', 's.created_at',
        this.db.raw(`(select count(*)::int from gl_posting_lines l where l.settlement_id = s.id and l.status = 'pending') as pending`),
        this.db.raw(`(select count(*)::int from gl_posting_lines l where l.settlement_id = s.id) as lines`),
        this.db.raw(`(select r.status from gl_posting_runs r where r.settlement_id = s.id) as run_status`));
    for (const settlement of settlements) {
      if (settlement.status === 'open' && settlement.lines > 0 && (closeAll || Date.now() - new Date(settlement.created_at).getTime() > this.options.closeAfterMs)) {
        const answer = await this.operator.post(`/api/operator/settlements/${settlement.id}/close`);
        if (answer.status === 200) this.counts.closed += 1;
        else this.refused(answer.body?.error?.code ?? String(answer.status));
      } else if ((settlement.status === 'ready' || settlement.status === 'partially_posted') && settlement.pending > 0 && settlement.run_status !== 'running') {
        const answer = await this.operator.post(`/api/operator/settlements/${settlement.id}/auto-post`, {});
        if (answer.status === 202) {
          this.counts.autoPosts += 1;
          await this.options.onAutoPost();
        } else if (answer.status !== 200) {
          this.refused(answer.body?.error?.code ?? String(answer.status));
        }
      } else if (settlement.status === 'posted' && closeAll) {
        const answer = await this.operator.post(`/api/operator/settlements/${settlement.id}/resolve`);
        if (answer.status === 200) this.counts.resolved += 1;
        else this.refused(answer.body?.error?.code ?? String(answer.status));
      }
    }
  }
}
