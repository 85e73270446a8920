import type { Knex } from 'knex';
import type { CompanyRole } from '../domain/company-roles';
import { refuseConflict, refuseInvalid, refuseNotFound } from '../domain/refusal';
import { recordAudit } from './audit';
import type { Db } from './connection';
import { portalLoginExists } from './portal-users';

/**
 * A contractor company's own people (docs/company-roles.md): who has a login, in which role,
 * the jobs each project manager is assigned, and the company's approval threshold. Only the
 * company's owners change any of it (the routes check); every change is audited. A company
 * always keeps at least one active owner.
 */
type Executor = Db | Knex.Transaction;

export interface TeamMemberRow {
  id: string;
  email: string;
  name: string;
  role: CompanyRole;
  status: 'active' | 'disabled';
  last_login_at: Date | null;
  job_ids: string[];
}

export interface CompanyJobRow {
  id: string;
  erp_job_id: string;
  name: string;
  dealer_id: string;
  dealer_name: string;
  customer_account_id: string;
  account_name: string;
}

export interface TeamActor {
  companyId: string;
  portalUserId: string;
}

export async function teamMembers(db: Executor, companyId: string): Promise<TeamMemberRow[]> {
  const rows = await db('portal_users as u')
    .where('u.company_id', companyId)
    .orderBy([{ column: 'u.name' }, { column: 'u.email' }])
    .select('u.id', 'u.email', 'u.name', 'u.role', 'u.status', 'u.last_login_at',
      db.raw('coalesce((select array_agg(uj.job_id order by uj.job_id) from portal_user_jobs uj where uj.portal_user_id = u.id), array[]::uuid[]) as job_ids'));
  return rows as TeamMemberRow[];
}

/** The jobs on the accounts the company links, by supplier and name: what an owner can assign. */
export async function companyJobs(db: Executor, companyId: string): Promise<CompanyJobRow[]> {
  return db('jobs as j')
    .join('company_account_links as l', 'l.customer_account_id', 'j.customer_account_id')
    .join('customer_accounts as a', 'a.id', 'j.customer_account_id')
    .join('dealers as d', 'd.id', 'j.dealer_id')
    .where({ 'l.company_id': companyId, 'l.status': 'active', 'a.portal_access_disabled': false })
    .whereNull('a.deleted_at')
    .orderBy([{ column: 'd.name' }, { column: 'j.name' }, { column: 'j.erp_job_id' }])
    .select('j.id', 'j.erp_job_id', 'j.name', 'j.dealer_id', 'd.name as dealer_name', 'j.customer_account_id', 'a.name as account_name') as Promise<CompanyJobRow[]>;
}

export async function approvalThreshold(db: Executor, companyId: string): Promise<number | null> {
  const row = await db('customer_companies').where({ id: companyId }).first('approval_threshold_cents');
  return row?.approval_threshold_cents === null || row?.approval_threshold_cents === undefined ? null : Number(row.approval_threshold_cents);
}

/** Active owners of the company, for approval emails. */
export async function activeOwners(db: Executor, companyId: string): Promise<Array<{ id: string; email: string; name: string }>> {
  return db('portal_users').where({ company_id: companyId, role: 'owner', status: 'active' }).orderBy('email').select('id', 'email', 'name');
}

async function checkJobs(trx: Knex.Transaction, companyId: string, jobIds: string[]): Promise<Array<{ id: string; dealer_id: string }>> {
  if (jobIds.length === 0) return [];
  const reachable = new Map((await companyJobs(trx, companyId)).map((job) => [job.id, job]));
  const unknown = jobIds.find((id) => !reachable.has(id));
  if (unknown) throw refuseInvalid('job_not_found', `jobIds: job ${unknown} is not on an account your company links.`, [{ field: 'jobIds', message: `unknown job ${unknown}` }]);
  return jobIds.map((id) => ({ id, dealer_id: reachable.get(id)!.dealer_id }));
}

async function replaceJobs(trx: Knex.Transaction, portalUserId: string, jobs: Array<{ id: string; dealer_id: string }>): Promise<void> {
  await trx('portal_user_jobs').where({ portal_user_id: portalUserId }).delete();
  if (jobs.length) await trx('portal_user_jobs').insert(jobs.map((job) => ({ portal_user_id: portalUserId, dealer_id: job.dealer_id, job_id: job.id })));
}

const audit = (trx: Knex.Transaction, actor: TeamActor, action: string, entityId: string, data: Record<string, unknown>) =>
  recordAudit(trx, { dealerId: null, actorKind: 'customer', actorId: actor.portalUserId, action, entityType: 'portal_user', entityId, data: { company_id: actor.companyId, ...data } });

/**
 * Adds a login to the company in `role`, with the jobs a project manager may reach. The login
 * has no password yet: `passwordHash` is an unguessable placeholder until the member chooses
 * one through the emailed link.
 */
export async function addTeamMember(
  db: Db,
  actor: TeamActor,
  member: { email: string; name: string; role: CompanyRole; jobIds: string[]; passwordHash: string; termsVersion: string },
): Promise<{ id: string; email: string; name: string }> {
  return db.transaction(async (trx) => {
    if (await portalLoginExists(trx, member.email)) {
      throw refuseConflict('email_registered', `A portal login already exists for ${member.email}; one login belongs to one company.`);
    }
    const jobs = await checkJobs(trx, actor.companyId, member.role === 'project_manager' ? member.jobIds : []);
    const [created] = await trx('portal_users')
      .insert({ company_id: actor.companyId, email: member.email, name: member.name, role: member.role, password_hash: member.passwordHash, terms_version: member.termsVersion, terms_accepted_at: trx.fn.now() })
      .returning(['id', 'email', 'name']);
    await replaceJobs(trx, created.id, jobs);
    await audit(trx, actor, 'portal_user.invited', created.id, { email: member.email, role: member.role, job_ids: jobs.map((job) => job.id) });
    return created;
  });
}

/**
 * Changes a member's role, jobs or status. Refuses leaving the company without an active
 * owner; a disabled member's sessions end at once.
 */
export async function updateTeamMember(
  db: Db,
  actor: TeamActor,
  memberId: string,
  change: { role?: CompanyRole; jobIds?: string[]; status?: 'active' | 'disabled' },
): Promise<void> {
  await db.transaction(async (trx) => {
    // Locks the company's owners, so two owners demoting each other at once cannot both succeed.
    const owners = await trx('portal_users').where({ company_id: actor.companyId, role: 'owner', status: 'active' }).forUpdate().pluck('id');
    const before = await trx('portal_users').where({ id: memberId, company_id: actor.companyId }).forUpdate().first('id', 'role', 'status', 'email');
    if (!before) throw refuseNotFound('Team member');
    const role: CompanyRole = change.role ?? before.role;
    const status = change.status ?? before.status;
    const remainingOwners = owners.filter((id: string) => id !== memberId).length + (role === 'owner' && status === 'active' ? 1 : 0);
    if (remainingOwners === 0) throw refuseConflict('last_owner', 'Your company needs at least one active owner: make someone else an owner first.');
    const beforeJobs = await trx('portal_user_jobs').where({ portal_user_id: memberId }).orderBy('job_id').pluck('job_id');
    const jobIds = role === 'project_manager' ? change.jobIds ?? beforeJobs : [];
    const jobs = await checkJobs(trx, actor.companyId, jobIds);
    await trx('portal_users').where({ id: memberId }).update({ role, status, updated_at: trx.fn.now() });
    await replaceJobs(trx, memberId, jobs);
    if (status === 'disabled') await trx('sessions').where({ user_kind: 'customer', user_id: memberId }).delete();
    await audit(trx, actor, 'portal_user.changed', memberId, {
      email: before.email, before: { role: before.role, status: before.status, job_ids: beforeJobs }, after: { role, status, job_ids: jobs.map((job) => job.id).sort() },
    });
  });
}

/** Sets (or, with null, removes) the amount above which a non-owner's payment waits for an owner. */
export async function setApprovalThreshold(db: Db, actor: TeamActor, thresholdCents: number | null): Promise<void> {
  await db.transaction(async (trx) => {
    const before = await approvalThreshold(trx, actor.companyId);
    await trx('customer_companies').where({ id: actor.companyId }).update({ approval_threshold_cents: thresholdCents, updated_at: trx.fn.now() });
    await recordAudit(trx, {
      dealerId: null, actorKind: 'customer', actorId: actor.portalUserId, action: 'company.approval_threshold_changed', entityType: 'customer_company', entityId: actor.companyId,
      data: { before, after: thresholdCents },
    });
  });
}
