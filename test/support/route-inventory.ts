import type { Express } from 'express';
import { GUARD, type GuardTag } from '../../api/auth/middleware';

/**
 * Lists every endpoint of the app by walking Express's router stack, with the login each one
 * demands as read from the guard middleware actually in its chain. A guard mounted with
 * `use(prefix, guard)` covers the layers after it whose path falls under the prefix; a guard
 * inside a route's own stack covers that route only.
 */

export type Guard = 'operator' | 'customer' | 'api_key' | 'platform_admin' | 'none';

export interface RouteEntry {
  method: string;
  path: string;
  guard: Guard;
  /** Roles a route-level role check demands on top of the login (empty when any role will do). */
  roles: string[];
  /** `static` for file serving mounted with `use` (answers any GET under its prefix). */
  kind: 'route' | 'static';
}

interface Layer {
  name: string;
  rawPath?: string | string[];
  handle: ((...args: unknown[]) => unknown) & { stack?: Layer[]; [GUARD]?: GuardTag };
  route?: { path: string; methods: Record<string, boolean>; stack: Layer[] };
  method?: string;
}

interface ActiveGuard {
  prefix: string;
  tag: GuardTag;
}

function join(prefix: string, path: string): string {
  const joined = `${prefix.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
  return joined.length > 1 ? joined.replace(/\/$/, '') : '/';
}

function covers(prefix: string, path: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}

function layerPath(layer: Layer): string {
  const raw = layer.rawPath ?? '/';
  if (Array.isArray(raw)) throw new Error(`route inventory: layer ${layer.name} is mounted on several paths; list them one by one`);
  if (typeof raw !== 'string') throw new Error(`route inventory: layer ${layer.name} uses a pattern path the inventory cannot read`);
  return raw;
}

function summarise(path: string, methods: string[], guards: ActiveGuard[], kind: RouteEntry['kind']): RouteEntry[] {
  const applying = guards.filter((guard) => covers(guard.prefix, path)).map((guard) => guard.tag);
  const logins = [...new Set(applying.flatMap((tag) => (tag.kind === 'role' ? [] : [tag.kind])))];
  if (logins.length > 1) throw new Error(`route inventory: ${path} demands more than one kind of login (${logins.join(', ')})`);
  const roles = applying.flatMap((tag) => (tag.kind === 'role' ? [...tag.roles] : []));
  return methods.map((method) => ({ method, path, guard: logins[0] ?? 'none', roles, kind }));
}

function walk(stack: Layer[], prefix: string, inherited: ActiveGuard[], out: RouteEntry[]): void {
  // Guards seen so far at this level; copied so siblings of the parent router are unaffected.
  const guards = [...inherited];
  for (const layer of stack) {
    const path = join(prefix, layerPath(layer));
    if (layer.route) {
      const routePath = join(prefix, layer.route.path);
      const routeGuards = [...guards];
      for (const inner of layer.route.stack) {
        const tag = inner.handle[GUARD];
        if (tag) routeGuards.push({ prefix: routePath, tag });
      }
      const methods = Object.keys(layer.route.methods).filter((method) => layer.route!.methods[method]).map((method) => method.toUpperCase());
      out.push(...summarise(routePath, methods, routeGuards, 'route'));
    } else if (layer.handle.stack) {
      walk(layer.handle.stack, path, guards, out);
    } else if (layer.handle[GUARD]) {
      guards.push({ prefix: path, tag: layer.handle[GUARD] });
    } else if (layer.name === 'serveStatic') {
      out.push(...summarise(join(path, '*'), ['GET'], guards, 'static'));
    }
  }
}

export function routeInventory(app: Express): RouteEntry[] {
  const router = (app as unknown as { router: { stack: Layer[] } }).router;
  const out: RouteEntry[] = [];
  walk(router.stack, '/', [], out);
  return out;
}

/** A Markdown table of the inventory, for docs/reliability.md. */
export function inventoryTable(routes: RouteEntry[]): string {
  const lines = ['| Method | Path | Login | Roles |', '| --- | --- | --- | --- |'];
  for (const route of routes) lines.push(`| ${route.method} | \`${route.path}\` | ${route.guard === 'none' ? 'public' : route.guard} | ${route.roles.join(', ') || '—'} |`);
  return lines.join('\n');
}
