/**
 * What the product refuses, said once, without any transport in it. `db/`, `services/` and
 * activities throw a `Refusal`; the API edge (`api/errors.ts`) turns its kind into an HTTP
 * status, and an activity into a non-retryable failure. So a store or a service never
 * decides what a 404 is, and the same refusal reads the same to an operator, a customer and
 * a dealer's program.
 */
export type RefusalKind =
  /** The request names something this tenant cannot see, or that does not exist. */
  | 'not_found'
  /** The request is well-formed but a field's value is not acceptable. */
  | 'invalid'
  /** The thing exists but is in a state that does not allow this now. */
  | 'conflict'
  /** The caller is known but may not do this. */
  | 'forbidden'
  /** Well-formed and allowed, but the rules of the domain say no (e.g. auto-post without an ERP). */
  | 'unprocessable'
  /** A dependency is down; trying again later may succeed. */
  | 'unavailable';

export class Refusal extends Error {
  override readonly name = 'Refusal';

  constructor(
    readonly kind: RefusalKind,
    /** Machine-readable, stable: programs branch on it. */
    readonly code: string,
    /** A sentence for people; names the field or the thing refused. */
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const isRefusal = (error: unknown): error is Refusal => error instanceof Refusal;

export const refuseNotFound = (what: string) => new Refusal('not_found', 'not_found', `${what} not found.`);
export const refuseInvalid = (code: string, message: string, details?: unknown) => new Refusal('invalid', code, message, details);
export const refuseConflict = (code: string, message: string, details?: unknown) => new Refusal('conflict', code, message, details);
export const refuseForbidden = (code: string, message: string) => new Refusal('forbidden', code, message);
export const refuseUnprocessable = (code: string, message: string, details?: unknown) => new Refusal('unprocessable', code, message, details);
export const refuseUnavailable = (code: string, message: string) => new Refusal('unavailable', code, message);
