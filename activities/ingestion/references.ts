import type { Knex } from 'knex';
import { dealerKeyOwners, keyOwners, type ReferenceKind } from '../../db/ingestion-references';

/** Accounts or jobs beyond this many are looked up batch by batch instead (memory stays bounded). */
const PRELOAD_LIMIT = 200_000;

/**
 * Cross-file checks: a row may refer to an account, job, statement or document that is
 * either already in Drypowder or among the valid rows of an earlier file of the same upload.
 * Each known key maps to the ERP account id that owns it. Database answers are cached, so a
 * million invoices of a few thousand accounts cost a few thousand look-ups.
 */
export class References {
  private readonly upload: Record<ReferenceKind, Map<string, string>> = {
    account: new Map(), job: new Map(), statement: new Map(), invoice: new Map(), adjustment: new Map(),
  };
  private readonly stored: Record<ReferenceKind, Map<string, string | null>> = {
    account: new Map(), job: new Map(), statement: new Map(), invoice: new Map(), adjustment: new Map(),
  };
  /** Additions of the file being validated, undone if that file is refused half-way. */
  private pending: Array<[Map<string, string>, string]> = [];

  constructor(private readonly db: Knex, private readonly dealerId: string) {}

  /** Owner account of a key, from the upload first, then the database; undefined when unknown. */
  owner(kind: ReferenceKind, key: string): string | undefined {
    return this.upload[kind].get(key) ?? this.stored[kind].get(key) ?? undefined;
  }

  add(kind: ReferenceKind, key: string, ownerAccount: string): void {
    const map = this.upload[kind];
    if (map.has(key)) return;
    map.set(key, ownerAccount);
    this.pending.push([map, key]);
  }

  fileDone(): void {
    this.pending = [];
  }

  fileRefused(): void {
    for (const [map, key] of this.pending) map.delete(key);
    this.pending = [];
  }

  /** Kinds whose every stored key is loaded: a key not known is not in the database, with no query. */
  private readonly complete = new Set<ReferenceKind>();

  /**
   * Loads all of the dealer's accounts and jobs at once when there are not too many: looking
   * up each batch's unseen keys cost a round trip per batch, which under load took longer than
   * checking the batch (a 100,000-row file with 15,000 jobs made some 400 of them).
   */
  async preload(kinds: ReadonlyArray<'account' | 'job'>, limit = PRELOAD_LIMIT): Promise<void> {
    for (const kind of kinds) {
      const rows = await dealerKeyOwners(this.db, this.dealerId, kind, limit + 1);
      if (rows.length > limit) continue;
      for (const row of rows) this.stored[kind].set(row.key, row.owner);
      this.complete.add(kind);
    }
  }

  /** Looks up, in one query per kind, every key not known yet. */
  async prefetch(kind: ReferenceKind, keys: Iterable<string>): Promise<void> {
    if (this.complete.has(kind)) return;
    const wanted = new Set<string>();
    for (const key of keys) if (key && !this.upload[kind].has(key) && !this.stored[kind].has(key)) wanted.add(key);
    if (wanted.size === 0) return;
    const list = [...wanted];
    const rows = await keyOwners(this.db, this.dealerId, kind, list);
    for (const row of rows) this.stored[kind].set(row.key, row.owner);
    for (const missing of list) if (!this.stored[kind].has(missing)) this.stored[kind].set(missing, null);
  }
}
