import type { Knex } from 'knex';
import { refuseConflict, refuseInvalid, refuseNotFound } from '../domain/refusal';
import { recordAudit } from './audit';
import { issueOperatorInvite, retireOperatorInvites, type OperatorInviteMail } from './auth-tokens';
import type { Db } from './connection';
import { containsPattern, pageOf, type PageRequest } from './list-query';
import { deleteUserSessions } from './sessions';

/** Dealer staff: the team list, invitations to the console, role and status changes. */
type Executor = Db | Knex.Transaction;

export type OperatorRole = 'admin' | 'ar_operator';
export type OperatorStatus = 'invited' | 'active' | 'disabled';

export interface OperatorRow {
  id: string;
  email: string;
  name: string;
  role: OperatorRole;
  status: OperatorStatus;
  last_login_at: Date | null;
  created_at: Date;
  /** Whether a usable invitation link is outstanding, so the console can offer a resend. */
  invite_expires_at: Date | null;
}

/** An operator a session may act for: existing and active. */
export interface ActiveOperatorRow {
  id: string;
  dealer_id: string;
  role: OperatorRole;
  email: string;
  name: string;
  [column: string]: unknown;
}

/** An operator's session with the operator it acts for (null when disabled or gone), in one statement. */
export async function operatorSession(db: Executor, tokenHash: string): Promise<{ csrf_token: string; expires_at: Date; user: ActiveOperatorRow | null } | undefined> {
  const { rows } = await db.raw(`
    select s.csrf_token, s.expires_at,
      case when u.id is null then null else json_build_object('id', u.id, 'dealer_id', u.dealer_id, 'role', u.role, 'email', u.email, 'name', u.name) end as user
    from sessions s left join operator_users u on u.id = s.user_id and u.status = 'active'
    where s.token_hash = ? and s.user_kind = 'operator'`, [tokenHash]);
  return rows[0];
}

const COLUMNS = [
  'u.id', 'u.email', 'u.name', 'u.role', 'u.status', 'u.last_login_at', 'u.created_at',
  'tok.invite_expires_at',
];

const SORTABLE = { name: 'lower(u.name)', email: 'u.email', role: 'u.role', status: 'u.status', created_at: 'u.created_at', last_login_at: 'u.last_login_at' };

function scoped(db: Executor, dealerId: string): Knex.QueryBuilder {
  return db('operator_users as u')
    .joinRaw(`left join lateral (
        select max(t.expires_at) as invite_expires_at from auth_tokens t
        where t.subject_id = u.id and t.purpose = 'operator_invite' and t.used_at is null and t.expires_at > now()
      ) as tok on true`)
    .where('u.dealer_id', dealerId);
}

export interface OperatorFilter {
  q?: string;
  role?: OperatorRole[];
  status?: OperatorStatus[];
  id?: string[];
}

export async function listOperators(db: Executor, dealerId: string, filter: OperatorFilter, page: PageRequest): Promise<{ rows: OperatorRow[]; total: number }> {
  const base = scoped(db, dealerId);
  if (filter.role) base.whereIn('u.role', filter.role);
  if (filter.status) base.whereIn('u.status', filter.status);
  if (filter.id) base.whereIn('u.id', filter.id);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    base.where((where) => where.whereRaw('lower(u.name) like ?', [pattern]).orWhereRaw('lower(u.email::text) like ?', [pattern]));
  }
  return pageOf<OperatorRow>(base, COLUMNS, page, SORTABLE, 'u.id');
}

export async function operatorById(db: Executor, dealerId: string, id: string): Promise<OperatorRow> {
  const row = await scoped(db, dealerId).where('u.id', id).first(COLUMNS);
  if (!row) throw refuseNotFound('Operator');
  return row;
}

export interface OperatorActor {
  id: string;
  dealerId: string;
}

/** How an invitation reaches the invitee: a fresh token, its lifetime, and the email for it. */
export interface OperatorInviteDelivery {
  token: () => { token: string; hash: string };
  ttlMs: number;
  compose: (user: { email: string; name: string }, token: string, dealerName: string | undefined) => OperatorInviteMail;
}

async function sendInvite(trx: Knex.Transaction, dealerId: string, user: { id: string; email: string; name: string }, delivery: OperatorInviteDelivery): Promise<void> {
  const token = delivery.token();
  await issueOperatorInvite(trx, dealerId, user, token, delivery.ttlMs, (dealerName) => delivery.compose(user, token.token, dealerName));
}

/** Creates an invited operator, issues the link and audits, all or nothing; the new id. */
export async function inviteOperator(
  db: Db,
  actor: OperatorActor,
  invite: { email: string; name: string; role: OperatorRole },
  delivery: OperatorInviteDelivery,
): Promise<string> {
  return db.transaction(async (trx) => {
    // Emails are unique across dealers: one person, one console login.
    const existing = await trx('operator_users').where({ email: invite.email }).first('id');
    if (existing) throw refuseConflict('email_taken', 'An operator with this email already exists.');
    const [user] = await trx('operator_users')
      .insert({ dealer_id: actor.dealerId, email: invite.email, name: invite.name, role: invite.role, status: 'invited' })
      .returning('id');
    await sendInvite(trx, actor.dealerId, { id: user.id, email: invite.email, name: invite.name }, delivery);
    await recordAudit(trx, {
      dealerId: actor.dealerId, actorKind: 'operator', actorId: actor.id, action: 'operator.invited',
      entityType: 'operator_user', entityId: user.id, data: { email: invite.email, role: invite.role },
    });
    return user.id as string;
  });
}

/** A new link for an operator who has not set a password yet; the older links stop working. */
export async function resendOperatorInvite(db: Db, actor: OperatorActor, id: string, delivery: OperatorInviteDelivery): Promise<void> {
  await db.transaction(async (trx) => {
    const user = await trx('operator_users').where({ id, dealer_id: actor.dealerId }).forUpdate().first();
    if (!user) throw refuseNotFound('Operator');
    if (user.status !== 'invited') throw refuseConflict('not_invited', 'This operator has already set a password.');
    await retireOperatorInvites(trx, id);
    await sendInvite(trx, actor.dealerId, user, delivery);
    await recordAudit(trx, {
      dealerId: actor.dealerId, actorKind: 'operator', actorId: actor.id, action: 'operator.invitation_resent',
      entityType: 'operator_user', entityId: id, data: { email: user.email },
    });
  });
}

/**
 * Changes an operator's name, role or status; fields equal to the stored ones are not changes.
 * Disabling ends the operator's sessions. Audited with before and after values.
 */
export async function updateOperator(
  db: Db,
  actor: OperatorActor,
  id: string,
  change: { name?: string; role?: OperatorRole; status?: 'active' | 'disabled' },
): Promise<void> {
  await db.transaction(async (trx) => {
    const user = await trx('operator_users').where({ id, dealer_id: actor.dealerId }).forUpdate().first();
    if (!user) throw refuseNotFound('Operator');
    const patch: Record<string, unknown> = {};
    if (change.name !== undefined && change.name !== user.name) patch.name = change.name;
    if (change.role !== undefined && change.role !== user.role) patch.role = change.role;
    if (change.status !== undefined && change.status !== user.status) {
      if (user.status === 'invited') throw refuseInvalid('invitation_pending', 'An invited operator becomes active by setting a password.');
      patch.status = change.status;
    }
    if (id === actor.id && (patch.role || patch.status)) throw refuseInvalid('cannot_change_self', 'You cannot change your own role or disable yourself; ask another admin.');
    if (Object.keys(patch).length === 0) return;
    await trx('operator_users').where({ id }).update({ ...patch, updated_at: trx.fn.now() });
    if (patch.status === 'disabled') await deleteUserSessions(trx, 'operator', id);
    await recordAudit(trx, {
      dealerId: actor.dealerId, actorKind: 'operator', actorId: actor.id, action: 'operator.updated',
      entityType: 'operator_user', entityId: id,
      data: { changes: Object.fromEntries(Object.entries(patch).map(([key, to]) => [key, { from: user[key], to }])) },
    });
  });
}

/** The names of a dealer's operators by id, for pages that say who did what; another dealer's ids are left out. */
export async function operatorNames(db: Executor, dealerId: string, ids: ReadonlyArray<string | null>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  if (wanted.length === 0) return new Map();
  const rows: Array<{ id: string; name: string }> = await db('operator_users').where({ dealer_id: dealerId }).whereIn('id', wanted).select('id', 'name');
  return new Map(rows.map((row) => [row.id, row.name]));
}
