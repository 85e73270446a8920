import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { SpruceDocument } from './documents';
import {
  BOOK_KEYS,
  inputSchemas,
  OBJECT_TYPES,
  type Book,
  type Change,
  type GlPosting,
  type ObjectByType,
  type ObjectType,
  type Stored,
} from './types';

/**
 * The emulated ERP's storage: per tenant, the AR objects, an append-only change log whose
 * sequence numbers are the feed cursor, the GL ledger and the idempotency records of GL
 * lines. In memory; with a data directory it is written as one JSON snapshot shortly after
 * every write and read back at start, so a restarted emulator keeps its book.
 */

export class SpruceError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface WebhookRegistration {
  url: string;
  secret: string;
  /** Every change up to this sequence has been delivered (or deliberately dropped). */
  deliveredSeq: number;
}

export interface IdempotencyRecord {
  requestHash: string;
  status: number;
  body: unknown;
}

export interface HoldRelease {
  account_id: string;
  payment_reference: string;
  amount_cents: number;
  idempotency_key: string;
  released_at: string;
}

export interface Tenant {
  id: string;
  name: string;
  apiKey: string;
  seq: number;
  objects: { [T in ObjectType]: Map<string, Stored<T>> };
  changes: Change[];
  ledger: GlPosting[];
  /** Credit holds lifted through the API, oldest first (what the credit department would see). */
  holdReleases: HoldRelease[];
  idempotency: Map<string, IdempotencyRecord>;
  webhook: WebhookRegistration | null;
  /** Invoice copies and delivery tickets by document id (emulators/spruce/documents.ts). */
  documents: Map<string, SpruceDocument>;
}

interface TenantSnapshot {
  id: string;
  name: string;
  apiKey: string;
  seq: number;
  objects: { [T in ObjectType]: Array<Stored<T>> };
  changes: Change[];
  ledger: GlPosting[];
  holdReleases?: HoldRelease[];
  idempotency: Array<[string, IdempotencyRecord]>;
  webhook: WebhookRegistration | null;
  documents?: SpruceDocument[];
}

const emptyObjects = (): Tenant['objects'] => ({
  account: new Map(),
  contact: new Map(),
  job: new Map(),
  invoice: new Map(),
  adjustment: new Map(),
  statement: new Map(),
});

const SERVER_FIELDS = ['updated_seq', 'created_at', 'updated_at'] as const;

export class SpruceStore extends EventEmitter<{ change: [tenantId: string] }> {
  private readonly tenants = new Map<string, Tenant>();
  private saveTimer: NodeJS.Timeout | undefined;
  private readonly snapshotFile: string | undefined;

  constructor(dataDir?: string) {
    super();
    this.snapshotFile = dataDir ? path.join(dataDir, 'state.json') : undefined;
    if (this.snapshotFile && existsSync(this.snapshotFile)) this.load(this.snapshotFile);
  }

  // Tenants

  createTenant(input: { id: string; name?: string; apiKey: string }): Tenant {
    const existing = this.tenants.get(input.id);
    if (existing) {
      existing.apiKey = input.apiKey;
      if (input.name) existing.name = input.name;
      this.scheduleSave();
      return existing;
    }
    const tenant: Tenant = {
      id: input.id,
      name: input.name ?? input.id,
      apiKey: input.apiKey,
      seq: 0,
      objects: emptyObjects(),
      changes: [],
      ledger: [],
      holdReleases: [],
      idempotency: new Map(),
      webhook: null,
      documents: new Map(),
    };
    this.tenants.set(tenant.id, tenant);
    this.scheduleSave();
    return tenant;
  }

  listTenants(): Tenant[] {
    return [...this.tenants.values()];
  }

  tenant(id: string): Tenant {
    const tenant = this.tenants.get(id);
    if (!tenant) throw new SpruceError(404, 'tenant_not_found', `Tenant ${id} does not exist.`);
    return tenant;
  }

  findTenant(id: string): Tenant | undefined {
    return this.tenants.get(id);
  }

  setWebhook(tenantId: string, registration: { url: string; secret: string; fromSeq?: number } | null): void {
    const tenant = this.tenant(tenantId);
    tenant.webhook = registration
      ? { url: registration.url, secret: registration.secret, deliveredSeq: Math.min(registration.fromSeq ?? tenant.seq, tenant.seq) }
      : null;
    this.scheduleSave();
    this.emit('change', tenantId);
  }

  markDelivered(tenantId: string, seq: number): void {
    const tenant = this.tenant(tenantId);
    if (tenant.webhook && seq > tenant.webhook.deliveredSeq) tenant.webhook.deliveredSeq = seq;
    this.scheduleSave();
  }

  // Objects

  get<T extends ObjectType>(tenant: Tenant, type: T, id: string): Stored<T> | undefined {
    return tenant.objects[type].get(id) as Stored<T> | undefined;
  }

  require<T extends ObjectType>(tenant: Tenant, type: T, id: string): Stored<T> {
    const found = this.get(tenant, type, id);
    if (!found) throw new SpruceError(404, 'not_found', `No ${type} ${id}.`);
    return found;
  }

  /** Creates or replaces an object from a full body; validates shape and references. */
  upsert<T extends ObjectType>(tenantId: string, type: T, body: unknown, now = new Date()): Stored<T> {
    const tenant = this.tenant(tenantId);
    const parsed = inputSchemas[type].safeParse(stripServerFields(body));
    if (!parsed.success) {
      const details = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
      throw new SpruceError(422, 'invalid_object', details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
    }
    const value = parsed.data as ObjectByType[T];
    this.checkReferences(tenant, type, value);
    const previous = tenant.objects[type].get(value.id);
    const stamp = now.toISOString();
    const stored = { ...value, updated_seq: tenant.seq + 1, created_at: previous?.created_at ?? stamp, updated_at: stamp } as Stored<T>;
    (tenant.objects[type] as Map<string, Stored<T>>).set(value.id, stored);
    this.record(tenant, type, previous ? 'update' : 'create', stored, stamp);
    return stored;
  }

  /** Merges a partial body into an existing object (an edit "made in Spruce"). */
  patch<T extends ObjectType>(tenantId: string, type: T, id: string, partial: Record<string, unknown>, now = new Date()): Stored<T> {
    const tenant = this.tenant(tenantId);
    const existing = this.require(tenant, type, id);
    return this.upsert(tenantId, type, { ...existing, ...(stripServerFields(partial) as Record<string, unknown>), id }, now);
  }

  /**
   * Applies a server-side state change (a GL posting) to a stored object. The caller has
   * validated the new values, so this only versions the object and records the change.
   */
  mutate<T extends ObjectType>(tenant: Tenant, type: T, id: string, changes: Partial<ObjectByType[T]>, now = new Date()): Stored<T> {
    const existing = this.require(tenant, type, id);
    const stamp = now.toISOString();
    const stored = { ...existing, ...changes, updated_seq: tenant.seq + 1, updated_at: stamp } as Stored<T>;
    (tenant.objects[type] as Map<string, Stored<T>>).set(id, stored);
    this.record(tenant, type, 'update', stored, stamp);
    return stored;
  }

  delete(tenantId: string, type: ObjectType, id: string, now = new Date()): void {
    const tenant = this.tenant(tenantId);
    const existing = this.require(tenant, type, id);
    if (type === 'account') {
      const dependants = OBJECT_TYPES.filter((other) => other !== 'account').some((other) =>
        [...tenant.objects[other].values()].some((object) => (object as { account_id?: string }).account_id === id),
      );
      if (dependants) throw new SpruceError(409, 'account_in_use', `Account ${id} still has documents; delete or move them first.`);
    }
    tenant.objects[type].delete(id);
    const stamp = now.toISOString();
    this.record(tenant, type, 'delete', { ...existing, updated_seq: tenant.seq + 1, updated_at: stamp }, stamp);
  }

  /** Loads a whole book in dependency order; every object becomes one change. */
  loadBook(tenantId: string, book: Partial<Book>, now = new Date()): Record<keyof Book, number> {
    const counts = { accounts: 0, contacts: 0, jobs: 0, invoices: 0, adjustments: 0, statements: 0 };
    for (const type of OBJECT_TYPES) {
      const key = BOOK_KEYS[type];
      for (const [index, object] of (book[key] ?? []).entries()) {
        try {
          this.upsert(tenantId, type, object, now);
        } catch (error) {
          if (error instanceof SpruceError) throw new SpruceError(error.status, error.code, `${key}[${index}]: ${error.message}`, error.details);
          throw error;
        }
        counts[key] += 1;
      }
    }
    return counts;
  }

  list<T extends ObjectType>(tenant: Tenant, type: T, filter: (object: Stored<T>) => boolean, after: string | undefined, limit: number): { data: Array<Stored<T>>; nextCursor: string | null } {
    const all = [...(tenant.objects[type] as Map<string, Stored<T>>).values()].filter(filter).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const start = after === undefined ? 0 : firstIndexAfter(all, after);
    const data = all.slice(start, start + limit);
    const last = data.at(-1);
    return { data, nextCursor: start + limit < all.length && last ? last.id : null };
  }

  changesAfter(tenant: Tenant, after: number, limit: number): Change[] {
    // Sequence numbers are dense from 1, so the change with seq n sits at index n - 1.
    return tenant.changes.slice(Math.max(0, after), Math.max(0, after) + limit);
  }

  counts(tenant: Tenant): Record<ObjectType, number> {
    return Object.fromEntries(OBJECT_TYPES.map((type) => [type, tenant.objects[type].size])) as Record<ObjectType, number>;
  }

  // Ledger

  appendPosting(tenant: Tenant, posting: Omit<GlPosting, 'id' | 'ledger_seq'>): GlPosting {
    const ledgerSeq = tenant.ledger.length + 1;
    const stored: GlPosting = { ...posting, id: `GL-${String(ledgerSeq).padStart(7, '0')}`, ledger_seq: ledgerSeq };
    tenant.ledger.push(stored);
    this.scheduleSave();
    return stored;
  }

  rememberIdempotent(tenant: Tenant, key: string, record: IdempotencyRecord): void {
    tenant.idempotency.set(key, record);
    this.scheduleSave();
  }

  // Documents

  putDocument(tenantId: string, document: SpruceDocument): void {
    this.tenant(tenantId).documents.set(document.id, document);
    this.scheduleSave();
  }

  // Persistence

  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.snapshotFile) return;
    mkdirSync(path.dirname(this.snapshotFile), { recursive: true });
    const snapshot: TenantSnapshot[] = this.listTenants().map((tenant) => ({
      id: tenant.id,
      name: tenant.name,
      apiKey: tenant.apiKey,
      seq: tenant.seq,
      objects: Object.fromEntries(OBJECT_TYPES.map((type) => [type, [...tenant.objects[type].values()]])) as TenantSnapshot['objects'],
      changes: tenant.changes,
      ledger: tenant.ledger,
      holdReleases: tenant.holdReleases,
      idempotency: [...tenant.idempotency.entries()],
      webhook: tenant.webhook,
      documents: [...tenant.documents.values()],
    }));
    // Written beside and renamed, so a crash mid-write never leaves a torn snapshot.
    const temporary = `${this.snapshotFile}.tmp`;
    writeFileSync(temporary, JSON.stringify({ version: 1, tenants: snapshot }));
    renameSync(temporary, this.snapshotFile);
  }

  private load(file: string): void {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version: number; tenants: TenantSnapshot[] };
    for (const snapshot of parsed.tenants) {
      const objects = emptyObjects();
      for (const type of OBJECT_TYPES) {
        for (const object of snapshot.objects[type] ?? []) (objects[type] as Map<string, Stored>).set(object.id, withLaterFields(type, object));
      }
      this.tenants.set(snapshot.id, {
        id: snapshot.id,
        name: snapshot.name,
        apiKey: snapshot.apiKey,
        seq: snapshot.seq,
        objects,
        changes: snapshot.changes,
        ledger: snapshot.ledger,
        holdReleases: snapshot.holdReleases ?? [],
        idempotency: new Map(snapshot.idempotency),
        webhook: snapshot.webhook,
        documents: new Map((snapshot.documents ?? []).map((document) => [document.id, document])),
      });
    }
  }

  private scheduleSave(): void {
    if (!this.snapshotFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.flush();
    }, 250);
    this.saveTimer.unref();
  }

  private record(tenant: Tenant, type: ObjectType, action: Change['action'], data: Stored, stamp: string): void {
    tenant.seq += 1;
    tenant.changes.push({ seq: tenant.seq, object: type, action, id: data.id, occurred_at: stamp, data });
    this.scheduleSave();
    this.emit('change', tenant.id);
  }

  private checkReferences(tenant: Tenant, type: ObjectType, value: ObjectByType[ObjectType]): void {
    const missing = (what: string, id: string) => new SpruceError(422, 'unknown_reference', `${type} ${value.id} refers to ${what} ${id}, which does not exist.`);
    if (type !== 'account') {
      const accountId = (value as { account_id: string }).account_id;
      if (!tenant.objects.account.has(accountId)) throw missing('account', accountId);
    }
    const jobId = (value as { job_id?: string | null }).job_id;
    if (jobId) {
      const job = tenant.objects.job.get(jobId);
      if (!job) throw missing('job', jobId);
      if (job.account_id !== (value as { account_id: string }).account_id) throw new SpruceError(422, 'job_account_mismatch', `Job ${jobId} belongs to another account.`);
    }
    if (type === 'statement') {
      for (const item of (value as ObjectByType['statement']).items) {
        const target = item.item_type === 'invoice' ? tenant.objects.invoice.get(item.document_id) : tenant.objects.adjustment.get(item.document_id);
        if (!target) throw missing(item.item_type === 'invoice' ? 'invoice' : 'adjustment', item.document_id);
      }
    }
  }
}

function stripServerFields(body: unknown): unknown {
  if (!body || typeof body !== 'object') return body;
  const copy = { ...(body as Record<string, unknown>) };
  for (const field of SERVER_FIELDS) delete copy[field];
  return copy;
}

function firstIndexAfter(sorted: Array<{ id: string }>, after: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]!.id <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A snapshot written before a field existed gets the field's default, as a new object would. */
const LATER_FIELDS: Partial<Record<ObjectType, Record<string, unknown>>> = {
  invoice: { terms: null, discount_cents: null, discount_date: null, discount_taken_cents: 0 },
  job: { state: null, first_delivery_date: null, last_delivery_date: null },
};

function withLaterFields(type: ObjectType, object: Stored): Stored {
  const defaults = LATER_FIELDS[type];
  return defaults ? ({ ...defaults, ...object } as Stored) : object;
}
