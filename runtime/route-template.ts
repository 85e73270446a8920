/**
 * The route template Express matched (`/api/operator/payments/:id`, never the id itself), or
 * undefined when no route answered: the label of a request in metrics and the name of its span.
 */
export function routeTemplate(req: { route?: { path?: unknown }; baseUrl?: string }): string | undefined {
  return req.route?.path ? `${req.baseUrl ?? ''}${String(req.route.path)}` : undefined;
}
