import { useState } from 'react';
import { api, get, messageOf, post } from '../api';
import { ErrorMessage, Field, Loading, Notice } from '../components/ui';
import { dateOnly, money } from '../format';
import { parseAmount } from '../../../domain/money';
import { useLoad } from '../use-load';

type Role = 'owner' | 'ap' | 'project_manager';
interface Member { id: string; email: string; name: string; role: Role; roleLabel: string; status: 'active' | 'disabled'; jobIds: string[] }
interface Job { id: string; erpJobId: string; name: string; dealerName: string; accountName: string }
interface TeamAnswer { members: Member[]; jobs: Job[]; approvalThresholdCents: number | null }
interface PayLink { id: string; jobId: string; jobName: string; dealerName: string; payerLabel: string | null; status: string; expiresAt: string; url?: string }

const ROLES: Array<[Role, string]> = [['owner', 'Owner'], ['ap', 'Accounts payable'], ['project_manager', 'Project manager']];

/**
 * The company's own people (docs/company-roles.md), for owners: each login's role, the jobs a
 * project manager may see and pay, the approval limit, and pay links for one job.
 */
export function Team() {
  const { data, error, reload } = useLoad(() => get<TeamAnswer>('/team'), 'team');
  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading />;
  return (
    <section>
      <h1>Team</h1>
      <Members team={data} onChanged={reload} />
      <AddMember jobs={data.jobs} onAdded={reload} />
      <Threshold current={data.approvalThresholdCents} onSaved={reload} />
      <PayLinks jobs={data.jobs} />
    </section>
  );
}

function JobPicker({ jobs, chosen, onChange, label }: { jobs: Job[]; chosen: string[]; onChange: (next: string[]) => void; label: string }) {
  return (
    <fieldset className="jobs-picker">
      <legend className="small">{label}</legend>
      {jobs.length === 0 && <p className="muted small">No jobs on your accounts yet.</p>}
      {jobs.map((job) => (
        <label key={job.id} className="choice">
          <input type="checkbox" checked={chosen.includes(job.id)} onChange={(event) => onChange(event.target.checked ? [...chosen, job.id] : chosen.filter((id) => id !== job.id))} />
          {job.name} <span className="muted small">· {job.dealerName} · {job.erpJobId}</span>
        </label>
      ))}
    </fieldset>
  );
}

function Members({ team, onChanged }: { team: TeamAnswer; onChanged: () => void }) {
  const [problem, setProblem] = useState<string | null>(null);
  const change = async (member: Member, body: Partial<Pick<Member, 'role' | 'jobIds' | 'status'>>) => {
    setProblem(null);
    try {
      await api('PUT', `/team/members/${member.id}`, { body });
      onChanged();
    } catch (failure) {
      setProblem(messageOf(failure));
    }
  };
  return (
    <div className="card">
      <h2>People</h2>
      <ErrorMessage error={problem} />
      <ul className="team-list">
        {team.members.map((member) => (
          <li key={member.id} className="team-row" aria-label={member.name}>
            <span><strong>{member.name}</strong> <span className="muted small">{member.email}{member.status === 'disabled' ? ' · disabled' : ''}</span></span>
            <label className="small">Role{' '}
              <select value={member.role} onChange={(event) => change(member, { role: event.target.value as Role })} aria-label={`Role of ${member.name}`}>
                {ROLES.map(([value, text]) => <option key={value} value={value}>{text}</option>)}
              </select>
            </label>
            <button type="button" className="ghost" onClick={() => change(member, { status: member.status === 'active' ? 'disabled' : 'active' })}>{member.status === 'active' ? 'Disable' : 'Enable'}</button>
            {member.role === 'project_manager' && (
              <JobPicker jobs={team.jobs} chosen={member.jobIds} onChange={(jobIds) => change(member, { jobIds })} label={`Jobs ${member.name} sees and pays`} />
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function AddMember({ jobs, onAdded }: { jobs: Job[]; onAdded: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('project_manager');
  const [jobIds, setJobIds] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const add = async () => {
    setProblem(null);
    setDone(null);
    try {
      await post('/team/members', { email, name, role, jobIds: role === 'project_manager' ? jobIds : [] });
      setDone(`${name} is added. They get an email with a link to choose their password.`);
      setEmail('');
      setName('');
      setJobIds([]);
      onAdded();
    } catch (failure) {
      setProblem(messageOf(failure));
    }
  };
  return (
    <div className="card stack">
      <h2>Add someone</h2>
      {done && <Notice>{done}</Notice>}
      <ErrorMessage error={problem} />
      <Field label="Name"><input value={name} onChange={(event) => setName(event.target.value)} /></Field>
      <Field label="Email"><input type="email" value={email} onChange={(event) => setEmail(event.target.value)} /></Field>
      <Field label="Role">
        <select value={role} onChange={(event) => setRole(event.target.value as Role)}>
          {ROLES.map(([value, text]) => <option key={value} value={value}>{text}</option>)}
        </select>
      </Field>
      {role === 'project_manager' && <JobPicker jobs={jobs} chosen={jobIds} onChange={setJobIds} label="Jobs they see and pay" />}
      <div><button type="button" className="primary" onClick={add} disabled={!email || !name}>Add and email them</button></div>
    </div>
  );
}

function Threshold({ current, onSaved }: { current: number | null; onSaved: () => void }) {
  const [text, setText] = useState(current === null ? '' : (current / 100).toFixed(2));
  const [problem, setProblem] = useState<string | null>(null);
  const save = async () => {
    setProblem(null);
    let cents: number | null = null;
    try {
      cents = text.trim() === '' ? null : parseAmount(text);
    } catch {
      return setProblem('Enter an amount in dollars, like 5000.00, or leave it empty for no approvals.');
    }
    try {
      await api('PUT', '/team/approval-threshold', { body: { approvalThresholdCents: cents } });
      onSaved();
    } catch (failure) {
      setProblem(messageOf(failure));
    }
  };
  return (
    <div className="card stack">
      <h2>Approval limit</h2>
      <p className="small muted">A payment above this amount by someone who is not an owner waits for an owner to approve it. {current === null ? 'No limit is set: nothing waits.' : `Now: ${money(current)}.`}</p>
      <ErrorMessage error={problem} />
      <Field label="Limit in dollars (empty: none)"><input inputMode="decimal" value={text} onChange={(event) => setText(event.target.value)} /></Field>
      <div><button type="button" className="secondary" onClick={save}>Save limit</button></div>
    </div>
  );
}

function PayLinks({ jobs }: { jobs: Job[] }) {
  const { data, reload } = useLoad(() => get<{ links: PayLink[] }>('/job-pay-links'), 'job-pay-links');
  const [jobId, setJobId] = useState('');
  const [payerLabel, setPayerLabel] = useState('');
  const [made, setMade] = useState<PayLink | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const make = async () => {
    setProblem(null);
    try {
      setMade(await post<PayLink>('/job-pay-links', { jobId, ...(payerLabel ? { payerLabel } : {}) }));
      reload();
    } catch (failure) {
      setProblem(messageOf(failure));
    }
  };
  const revoke = async (link: PayLink) => {
    await post(`/job-pay-links/${link.id}/revoke`).catch((failure) => setProblem(messageOf(failure)));
    reload();
  };
  return (
    <div className="card stack">
      <h2>Job pay links</h2>
      <p className="small muted">Send a general contractor or joint-check payer a link that pays one job's open items. They see only that job and your supplier's name, and need no login.</p>
      <ErrorMessage error={problem} />
      <Field label="Job">
        <select value={jobId} onChange={(event) => setJobId(event.target.value)}>
          <option value="">Choose a job</option>
          {jobs.map((job) => <option key={job.id} value={job.id}>{job.name} · {job.dealerName}</option>)}
        </select>
      </Field>
      <Field label="Who it is for (optional)"><input value={payerLabel} onChange={(event) => setPayerLabel(event.target.value)} /></Field>
      <div><button type="button" className="secondary" onClick={make} disabled={!jobId}>Make a pay link</button></div>
      {made?.url && <Notice>Copy this link now; it is shown once: <code className="pay-link-url">{made.url}</code></Notice>}
      {data && data.links.length > 0 && (
        <ul className="scheduled-list">
          {data.links.map((link) => (
            <li key={link.id} className="scheduled-row">
              <span>{link.jobName} <span className="muted small">· {link.payerLabel ?? 'anyone with the link'} · until {dateOnly(link.expiresAt.slice(0, 10))}</span></span>
              <span className="row"><span className="badge">{link.status}</span>{link.status === 'active' && <button type="button" className="ghost" onClick={() => revoke(link)}>Revoke</button>}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
