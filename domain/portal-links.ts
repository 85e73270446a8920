/**
 * Links into the Payments portal that travel by email (registration, decline, password
 * reset). The portal routes on the URL hash, so the token never reaches a server log.
 */
/** `job-link`: a job pay link (docs/company-roles.md), opened without a login. */
export type PortalEmailRoute = 'register' | 'decline' | 'reset-password' | 'job-link';

/** The portal page of one route (no token), e.g. the approvals list an approval email points to. */
export const portalPage = (publicUrl: string, route: string) => `${publicUrl.replace(/\/+$/, '')}/portal/#/${route}`;

export const portalLink = (publicUrl: string, route: PortalEmailRoute, token: string) =>
  `${publicUrl.replace(/\/+$/, '')}/portal/#/${route}?token=${encodeURIComponent(token)}`;

/**
 * The portal's Pay page for one supplier with these items chosen (`#/pay/<dealerId>?items=a,b`):
 * the link a customer gets when items they had paid are open again. The portal selects those
 * still open and says which were paid meanwhile.
 */
export const portalPayLink = (publicUrl: string, dealerId: string, itemIds: readonly string[]) =>
  `${publicUrl.replace(/\/+$/, '')}/portal/#/pay/${encodeURIComponent(dealerId)}${itemIds.length > 0 ? `?items=${itemIds.map(encodeURIComponent).join(',')}` : ''}`;
