/**
 * Links into the Payments portal that travel by email (registration, decline, password
 * reset). The portal routes on the URL hash, so the token never reaches a server log.
 */
export type PortalEmailRoute = 'register' | 'decline' | 'reset-password';

export const portalLink = (publicUrl: string, route: PortalEmailRoute, token: string) =>
  `${publicUrl.replace(/\/+$/, '')}/portal/#/${route}?token=${encodeURIComponent(token)}`;
