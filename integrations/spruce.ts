import { z } from 'zod';
import { openCredential, parseDataKey } from '../domain/credential-seal';
import { LINE_TYPES } from '../domain/settlement';

/**
 * Our connector to ECI Spruce (contract: docs/spruce-api.md). Every response is checked
 * against a zod schema, and every failure becomes one of three errors a caller can act on:
 * SpruceUnavailableError (network, timeout, 5xx, 429: retry later), SpruceRejectedError (the
 * ERP refused this request for a business reason: do not retry, show the reason) and
 * SpruceClientError (our request or credentials are wrong: retrying will not help either).
 */

export interface SpruceConnection {
  baseUrl: string;
  apiKey: string;
  tenantId: string;
  timeoutMs?: number;
}

/** A dealer's Spruce connection as the dealers table stores it: the API key sealed (domain/credential-seal.ts). */
export interface StoredSpruceConnection {
  spruce_base_url: string;
  spruce_tenant_id: string;
  spruce_api_key: string | null;
}

/** The client for a dealer's stored connection, its API key opened with the data key (`DATA_ENCRYPTION_KEY`). */
export function spruceClientFor(stored: StoredSpruceConnection, dataKey: string, options: { timeoutMs?: number } = {}): SpruceClient {
  const apiKey = stored.spruce_api_key ? openCredential(stored.spruce_api_key, parseDataKey(dataKey)) : '';
  return new SpruceClient({ baseUrl: stored.spruce_base_url, tenantId: stored.spruce_tenant_id, apiKey, ...options });
}

export class SpruceError extends Error {
  constructor(
    message: string,
    public readonly retryable: boolean,
    public readonly status: number | null,
    public readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Spruce could not be reached or is temporarily failing; the same request may succeed later. */
export class SpruceUnavailableError extends SpruceError {
  constructor(message: string, status: number | null = null, code = 'unavailable') {
    super(message, true, status, code);
  }
}

/** Spruce refused the request for a business reason (e.g. the invoice is no longer open). */
export class SpruceRejectedError extends SpruceError {
  constructor(message: string, status: number, code: string, public readonly reason: string) {
    super(message, false, status, code);
  }
}

/** The request itself is wrong (credentials, shape, unknown resource); retrying cannot help. */
export class SpruceClientError extends SpruceError {
  constructor(message: string, status: number | null, code: string) {
    super(message, false, status, code);
  }
}

const cents = z.number().int().nonnegative();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const versioned = { updated_seq: z.number().int().nonnegative(), created_at: z.string(), updated_at: z.string() };

export const spruceAccount = z.object({
  id: z.string(),
  name: z.string(),
  account_type: z.string(),
  status: z.enum(['active', 'inactive']),
  credit_limit_cents: cents.nullable(),
  // Older Spruce builds leave the credit fields out: no hold, available credit unknown.
  available_credit_cents: z.number().int().nullable().default(null),
  credit_hold: z.boolean().default(false),
  credit_hold_reason: z.enum(['over_limit', 'past_due', 'other']).nullable().default(null),
  address_line1: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  postal_code: z.string().nullable(),
  phone: z.string().nullable(),
  ...versioned,
});

export const spruceContact = z.object({
  id: z.string(),
  account_id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  role: z.string().nullable(),
  is_primary: z.boolean(),
  ...versioned,
});

export const spruceJob = z.object({
  id: z.string(),
  account_id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'closed']),
  // Lien-deadline inputs; builds without them send none. Read loosely (db/spruce-apply.ts keeps
  // only a two-letter state): one odd job must not stop the feed.
  state: z.string().nullable().default(null),
  first_delivery_date: isoDate.nullable().default(null),
  last_delivery_date: isoDate.nullable().default(null),
  ...versioned,
});

export const spruceInvoice = z.object({
  id: z.string(),
  account_id: z.string(),
  job_id: z.string().nullable(),
  invoice_date: isoDate,
  due_date: isoDate,
  amount_cents: cents,
  balance_cents: cents,
  status: z.enum(['open', 'partially_paid', 'paid', 'void']),
  po_number: z.string().nullable(),
  // Cash-discount terms, as the ERP computed them; builds without them send none. Read loosely
  // (db/spruce-apply.ts keeps only a discount that holds together): one odd invoice must not stop the feed.
  terms: z.string().nullable().default(null),
  discount_cents: z.number().int().nullable().default(null),
  discount_date: isoDate.nullable().default(null),
  discount_taken_cents: z.number().int().default(0),
  ...versioned,
});

export const spruceAdjustment = z.object({
  id: z.string(),
  account_id: z.string(),
  job_id: z.string().nullable(),
  kind: z.enum(['credit', 'debit']),
  reason: z.enum(['credit', 'discount', 'write_off', 'charge', 'correction', 'finance_charge', 'other']),
  voucher_id: z.string().nullable(),
  applies_to_invoice_id: z.string().nullable(),
  transaction_date: isoDate.nullable(),
  due_date: isoDate.nullable(),
  amount_cents: cents,
  balance_cents: cents,
  currency: z.literal('USD'),
  status: z.enum(['open', 'partially_applied', 'applied', 'void']),
  description: z.string().nullable(),
  ...versioned,
});

export const spruceStatement = z.object({
  id: z.string(),
  account_id: z.string(),
  statement_date: isoDate,
  due_date: isoDate,
  balance_cents: cents,
  discount_cents: cents,
  discount_date: isoDate.nullable(),
  discount_taken_cents: cents,
  status: z.enum(['open', 'paid', 'closed']),
  items: z.array(z.object({ item_type: z.enum(['invoice', 'credit', 'debit']), document_id: z.string(), amount_cents: cents })),
  ...versioned,
});

export type SpruceAccount = z.infer<typeof spruceAccount>;
export type SpruceContact = z.infer<typeof spruceContact>;
export type SpruceJob = z.infer<typeof spruceJob>;
export type SpruceInvoice = z.infer<typeof spruceInvoice>;
export type SpruceAdjustment = z.infer<typeof spruceAdjustment>;
export type SpruceStatement = z.infer<typeof spruceStatement>;

const changeBase = { seq: z.number().int().positive(), action: z.enum(['create', 'update', 'delete']), id: z.string(), occurred_at: z.string() };

export const spruceChange = z.discriminatedUnion('object', [
  z.object({ ...changeBase, object: z.literal('account'), data: spruceAccount }),
  z.object({ ...changeBase, object: z.literal('contact'), data: spruceContact }),
  z.object({ ...changeBase, object: z.literal('job'), data: spruceJob }),
  z.object({ ...changeBase, object: z.literal('invoice'), data: spruceInvoice }),
  z.object({ ...changeBase, object: z.literal('adjustment'), data: spruceAdjustment }),
  z.object({ ...changeBase, object: z.literal('statement'), data: spruceStatement }),
]);
export type SpruceChange = z.infer<typeof spruceChange>;

export const spruceChangePage = z.object({
  changes: z.array(spruceChange),
  next_after: z.number().int().nonnegative(),
  head_seq: z.number().int().nonnegative(),
  has_more: z.boolean(),
});
export type SpruceChangePage = z.infer<typeof spruceChangePage>;

/** The body of a change webhook (signature checked separately, over the raw bytes). */
export const spruceWebhookBody = z.object({
  id: z.string().min(1).max(200),
  type: z.literal('changes'),
  tenant_id: z.string(),
  sent_at: z.string(),
  changes: z.array(spruceChange).min(1),
});
export type SpruceWebhookBody = z.infer<typeof spruceWebhookBody>;

const tenantInfo = z.object({ id: z.string(), name: z.string(), head_seq: z.number().int().nonnegative(), counts: z.record(z.string(), z.number()) });
export type SpruceTenantInfo = z.infer<typeof tenantInfo>;

/** The ERP's GL line types are exactly the settlement's (domain/settlement.ts). */
export const glLineTypes = LINE_TYPES;
export type GlLineType = (typeof glLineTypes)[number];

export interface GlLine {
  type: GlLineType;
  account_id: string;
  job_id?: string | null;
  /** Invoice (also for a terms_discount), adjustment or statement number; absent for a reversal. */
  document_id?: string;
  /** For a credit application: the invoice the credit is applied to. */
  applied_document_id?: string | null;
  /** For a reversal: the Spruce posting id being reversed. */
  reverses_posting_id?: string;
  /** Always positive; the line type gives the direction. */
  amount_cents: number;
  posting_date: string;
  payment_reference: string;
  gl_account?: string | null;
  memo?: string | null;
}

/** Why Drypowder asks Spruce to lift a hold: the payment the counter can check, and what it took off the balance. */
export interface CreditHoldReleaseRequest {
  payment_reference: string;
  amount_cents: number;
  reason: 'payment_cleared';
}

/** A charge we put on a customer's account in Spruce (docs/spruce-api.md, "Creating a debit adjustment"). */
export interface NewDebitAdjustment {
  /** The document number, ours: the adjustment is the same document in both systems. */
  id: string;
  account_id: string;
  job_id?: string | null;
  kind: 'debit';
  reason: 'charge' | 'correction' | 'finance_charge' | 'other';
  applies_to_invoice_id?: string | null;
  transaction_date: string;
  due_date?: string | null;
  amount_cents: number;
  description?: string | null;
}

export const spruceGlPosting = z.object({
  id: z.string(),
  ledger_seq: z.number().int().positive(),
  idempotency_key: z.string(),
  type: z.enum(glLineTypes),
  account_id: z.string(),
  job_id: z.string().nullable(),
  document_id: z.string().nullable(),
  applied_document_id: z.string().nullable(),
  reverses_posting_id: z.string().nullable(),
  amount_cents: z.number().int().positive(),
  signed_amount_cents: z.number().int(),
  posting_date: isoDate,
  payment_reference: z.string(),
  gl_account: z.string().nullable(),
  memo: z.string().nullable(),
  reversed_cents: z.number().int().nonnegative(),
  created_at: z.string(),
});
export type SpruceGlPosting = z.infer<typeof spruceGlPosting>;

const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const batchResult = z.object({
  idempotency_key: z.string().nullable(),
  status: z.number().int(),
  replayed: z.boolean(),
  posting: spruceGlPosting.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export type GlLineResult =
  | { idempotencyKey: string; ok: true; posting: SpruceGlPosting; replayed: boolean }
  | { idempotencyKey: string; ok: false; error: SpruceRejectedError | SpruceClientError };

const pageOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), next_cursor: z.string().nullable() });

const collections = {
  accounts: spruceAccount,
  contacts: spruceContact,
  jobs: spruceJob,
  invoices: spruceInvoice,
  adjustments: spruceAdjustment,
  statements: spruceStatement,
} as const;
export type SpruceCollection = keyof typeof collections;
export type SpruceObjectOf<C extends SpruceCollection> = z.infer<(typeof collections)[C]>;

/** A document Spruce keeps behind an invoice (docs/spruce-api.md, "Documents"). */
export const spruceDocument = z.object({
  id: z.string(),
  invoice_id: z.string(),
  kind: z.enum(['invoice_copy', 'delivery_ticket']),
  file_name: z.string(),
  content_type: z.string(),
  size_bytes: z.number().int().nonnegative(),
  ticket_number: z.string().nullable(),
  delivered_date: isoDate.nullable(),
  signed_by: z.string().nullable(),
  created_at: z.string(),
});
export type SpruceDocument = z.infer<typeof spruceDocument>;

export interface SpruceDocumentContent {
  contentType: string;
  sizeBytes: number | null;
  body: ReadableStream<Uint8Array>;
}

export class SpruceClient {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly connection: SpruceConnection) {
    this.base = `${connection.baseUrl.replace(/\/+$/, '')}/v1/tenants/${encodeURIComponent(connection.tenantId)}`;
    this.timeoutMs = connection.timeoutMs ?? 10_000;
  }

  /** The tenant's identity and head sequence; doubles as the connection health check. */
  async ping(): Promise<SpruceTenantInfo> {
    return this.request('GET', '', tenantInfo);
  }

  async list<C extends SpruceCollection>(
    collection: C,
    options: { cursor?: string | null; limit?: number; accountId?: string; status?: string[] } = {},
  ): Promise<{ data: Array<SpruceObjectOf<C>>; nextCursor: string | null }> {
    const query = new URLSearchParams();
    if (options.cursor) query.set('cursor', options.cursor);
    if (options.limit) query.set('limit', String(options.limit));
    if (options.accountId) query.set('account_id', options.accountId);
    if (options.status?.length) query.set('status', options.status.join(','));
    const page = await this.request('GET', `/${collection}?${query}`, pageOf(collections[collection]));
    return { data: page.data as Array<SpruceObjectOf<C>>, nextCursor: page.next_cursor };
  }

  /** Every object of a collection, page by page. */
  async *listAll<C extends SpruceCollection>(collection: C, options: { limit?: number; accountId?: string; status?: string[] } = {}): AsyncGenerator<SpruceObjectOf<C>> {
    let cursor: string | null = null;
    do {
      const page: { data: Array<SpruceObjectOf<C>>; nextCursor: string | null } = await this.list(collection, { ...options, cursor });
      yield* page.data;
      cursor = page.nextCursor;
    } while (cursor);
  }

  async get<C extends SpruceCollection>(collection: C, id: string): Promise<SpruceObjectOf<C>> {
    return (await this.request('GET', `/${collection}/${encodeURIComponent(id)}`, collections[collection])) as SpruceObjectOf<C>;
  }

  /** Changes with a sequence number above `after`, oldest first. */
  async changes(after: number, limit = 500): Promise<SpruceChangePage> {
    return this.request('GET', `/changes?after=${after}&limit=${limit}`, spruceChangePage);
  }

  /** Posts one GL line. Throws SpruceRejectedError when Spruce refuses it for a business reason. */
  async postGlLine(idempotencyKey: string, line: GlLine): Promise<{ posting: SpruceGlPosting; replayed: boolean }> {
    const { body, headers } = await this.requestWithHeaders('POST', '/gl/postings', spruceGlPosting, line, { 'idempotency-key': idempotencyKey });
    return { posting: body, replayed: headers.get('idempotent-replayed') === 'true' };
  }

  /** Posts up to 500 lines in one request; each line succeeds or is refused on its own. */
  async postGlLines(lines: Array<{ idempotencyKey: string; line: GlLine }>): Promise<GlLineResult[]> {
    const response = await this.request(
      'POST',
      '/gl/postings/batch',
      z.object({ results: z.array(batchResult) }),
      { lines: lines.map(({ idempotencyKey, line }) => ({ idempotency_key: idempotencyKey, line })) },
    );
    return response.results.map((result, index) => {
      const idempotencyKey = lines[index]!.idempotencyKey;
      if (result.status < 300 && result.posting) return { idempotencyKey, ok: true, posting: result.posting, replayed: result.replayed };
      const error = result.error ?? { code: 'unknown', message: `Spruce answered ${result.status}` };
      return { idempotencyKey, ok: false, error: refusalFor(result.status, error.code, error.message) as SpruceRejectedError | SpruceClientError };
    });
  }

  /**
   * Creates a debit adjustment (a charge on the customer's account) under our document number.
   * Replayed under the same key, Spruce answers the first outcome again and creates nothing;
   * SpruceRejectedError when it refuses (unknown account, the number taken by another document).
   */
  async createDebitAdjustment(idempotencyKey: string, adjustment: NewDebitAdjustment): Promise<{ adjustment: SpruceAdjustment; replayed: boolean }> {
    const { body, headers } = await this.requestWithHeaders('POST', '/adjustments', spruceAdjustment, adjustment, { 'idempotency-key': idempotencyKey });
    return { adjustment: body, replayed: headers.get('idempotent-replayed') === 'true' };
  }

  /**
   * Asks Spruce to lift the credit hold on an account because a payment cleared
   * (docs/spruce-api.md, "Lifting a credit hold"). Replayed under the same key, Spruce answers
   * the first outcome again; an account not on hold answers 200 as it is. SpruceRejectedError
   * when Spruce refuses (unknown account, a hold Spruce will not lift for a payment).
   */
  async releaseCreditHold(idempotencyKey: string, accountId: string, request: CreditHoldReleaseRequest): Promise<{ account: SpruceAccount; replayed: boolean }> {
    const { body, headers } = await this.requestWithHeaders('POST', `/accounts/${encodeURIComponent(accountId)}/credit-hold/release`, spruceAccount, request, { 'idempotency-key': idempotencyKey });
    return { account: body, replayed: headers.get('idempotent-replayed') === 'true' };
  }

  /** The tenant's GL ledger, oldest first, optionally only one payment's lines. */
  async ledger(options: { after?: number; limit?: number; paymentReference?: string } = {}): Promise<{ data: SpruceGlPosting[]; nextAfter: number | null }> {
    const query = new URLSearchParams();
    if (options.after) query.set('after', String(options.after));
    if (options.limit) query.set('limit', String(options.limit));
    if (options.paymentReference) query.set('payment_reference', options.paymentReference);
    const page = await this.request('GET', `/gl/postings?${query}`, z.object({ data: z.array(spruceGlPosting), next_after: z.number().int().nullable() }));
    return { data: page.data, nextAfter: page.next_after };
  }

  async getPosting(postingId: string): Promise<SpruceGlPosting> {
    return this.request('GET', `/gl/postings/${encodeURIComponent(postingId)}`, spruceGlPosting);
  }

  /** The invoice's documents (invoice copy and delivery tickets), without their bytes. */
  async invoiceDocuments(invoiceId: string): Promise<SpruceDocument[]> {
    return (await this.request('GET', `/invoices/${encodeURIComponent(invoiceId)}/documents`, z.object({ data: z.array(spruceDocument) }))).data;
  }

  /** A document's bytes as a stream, so a large scan is passed on without being held in memory. */
  async documentContent(documentId: string): Promise<SpruceDocumentContent> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/documents/${encodeURIComponent(documentId)}/content`, {
        headers: { authorization: `Bearer ${this.connection.apiKey}` },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new SpruceUnavailableError(`Spruce is unreachable: ${describeFetchError(error)}`);
    }
    if (!response.ok || !response.body) {
      const parsed = errorBody.safeParse(await response.json().catch(() => undefined));
      throw refusalFor(response.status, parsed.success ? parsed.data.error.code : `http_${response.status}`, parsed.success ? parsed.data.error.message : `Spruce answered ${response.status}`);
    }
    const length = Number(response.headers.get('content-length'));
    return { contentType: response.headers.get('content-type') ?? 'application/octet-stream', sizeBytes: Number.isSafeInteger(length) ? length : null, body: response.body };
  }

  private async request<T extends z.ZodType>(method: string, path: string, schema: T, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<z.infer<T>> {
    return (await this.requestWithHeaders(method, path, schema, body, extraHeaders)).body;
  }

  private async requestWithHeaders<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ body: z.infer<T>; headers: Headers }> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.connection.apiKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...extraHeaders,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new SpruceUnavailableError(`Spruce is unreachable: ${describeFetchError(error)}`);
    }
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const parsed = errorBody.safeParse(json);
      const code = parsed.success ? parsed.data.error.code : `http_${response.status}`;
      const message = parsed.success ? parsed.data.error.message : `Spruce answered ${response.status}`;
      throw refusalFor(response.status, code, message);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      // A body we cannot read is a fault on Spruce's side or a version skew; retrying may help.
      throw new SpruceUnavailableError(`Spruce sent an unexpected response to ${method} ${path}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`, response.status, 'unexpected_response');
    }
    return { body: parsed.data, headers: response.headers };
  }
}

function refusalFor(status: number, code: string, message: string): SpruceError {
  if (status === 429 || status >= 500) return new SpruceUnavailableError(`Spruce is unavailable (${status} ${code}): ${message}`, status, code);
  if (status === 409 || status === 422) return new SpruceRejectedError(`Spruce refused the request: ${message}`, status, code, message);
  return new SpruceClientError(`Spruce refused the request (${status} ${code}): ${message}`, status, code);
}

function describeFetchError(error: unknown): string {
  // Duck-typed: errors from the runtime's fetch may come from another realm (test sandboxes).
  const failure = error as { name?: string; message?: string; cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } } | undefined;
  if (failure?.name === 'TimeoutError') return 'the request timed out';
  const cause = failure?.cause;
  return cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? failure?.message ?? String(error);
}
