import type { Express, NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { errorResponse } from '../../contracts/errors';
import { isFileResponse, routeContract } from '../../contracts/routes';

/**
 * Every JSON answer the app gives in an integration test is checked against the contract of
 * its route for its status (contracts/routes.ts), refusals against the one error shape. A
 * mismatch is recorded with the route, the status and zod's issues; the jest setup
 * (contract-setup.ts) fails the test that was running. The check sits in front of the app's
 * own middleware, so every route and every refusal passes through it.
 */

export interface ContractViolation {
  route: string;
  url: string;
  status: number;
  problem: string;
  issues?: z.core.$ZodIssue[];
}

const violations: ContractViolation[] = [];

/** The violations seen since the last call, which it clears. */
export function takeContractViolations(): ContractViolation[] {
  return violations.splice(0, violations.length);
}

const described = (url: string) => url.startsWith('/api/') || url.startsWith('/webhooks/');

function check(req: Request, status: number, value: unknown): void {
  // What goes on the wire: Dates become ISO strings, undefined members disappear.
  const body: unknown = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  const url = req.originalUrl.split('?')[0]!;
  if (!described(url)) return;
  const routePath = (req.route as { path?: unknown } | undefined)?.path;
  const route = typeof routePath === 'string' ? `${req.method} ${req.baseUrl}${routePath}` : `${req.method} ${url} (no route matched)`;
  const record = (problem: string, issues?: z.core.$ZodIssue[]): void => {
    violations.push({ route, url, status, problem, ...(issues ? { issues } : {}) });
  };

  if (status >= 400) {
    const parsed = errorResponse.safeParse(body);
    if (!parsed.success) record('a refusal that is not { error: { code, message, details? } }', parsed.error.issues);
    return;
  }
  if (typeof routePath !== 'string') return record('a JSON answer from no route');
  const contract = routeContract(req.method, `${req.baseUrl}${routePath}`);
  if (!contract) return record('the route is not in contracts/routes.ts');
  const answer = contract.responses[status];
  if (answer === undefined) return record(`status ${status} is not in the route's contract (${Object.keys(contract.responses).join(', ')})`);
  if (answer === null || isFileResponse(answer)) return record(`status ${status} answers ${answer === null ? 'no body' : answer.contentType} in the contract, but JSON was sent`);
  const parsed = answer.safeParse(body);
  if (!parsed.success) record('the answer does not match its contract', parsed.error.issues);
}

function contractCheck(req: Request, res: Response, next: NextFunction): void {
  const json = res.json.bind(res);
  res.json = (body?: unknown) => {
    check(req, res.statusCode, body);
    return json(body);
  };
  next();
}

/** Puts the check in front of everything the app already has; answers the same app. */
export function checkResponsesAgainstContracts(app: Express): Express {
  app.use(contractCheck);
  const stack = (app as unknown as { router: { stack: unknown[] } }).router.stack;
  stack.unshift(stack.pop());
  return app;
}

export function describeViolations(found: ContractViolation[]): string {
  return found.map((violation) => {
    const issues = (violation.issues ?? []).slice(0, 12).map((issue) => `    - ${issue.path.join('.') || '(root)'}: ${issue.message} [${issue.code}]`).join('\n');
    return `${violation.route} → ${violation.status} (${violation.url}): ${violation.problem}${issues ? `\n${issues}` : ''}`;
  }).join('\n');
}
