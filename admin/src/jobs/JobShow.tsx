import { Stack } from '@mui/material';
import { Link, Show, TopToolbar, useCreatePath, useRecordContext } from 'react-admin';
import type { JobRow } from '../../../contracts/operator/jobs';
import { JobDeadlines } from './JobDeadlines';
import { JobPayLinks } from './JobPayLinks';

function JobTitle() {
  const record = useRecordContext<JobRow>();
  return <span>{record ? `Job ${record.name}` : 'Job'}</span>;
}

function JobActions() {
  const record = useRecordContext<JobRow>();
  const createPath = useCreatePath();
  if (!record) return null;
  return (
    <TopToolbar>
      <Link to={createPath({ resource: 'customers', id: record.customer_account_id, type: 'show' })}>{record.customer_name}</Link>
    </TopToolbar>
  );
}

function JobPage() {
  const record = useRecordContext<JobRow>();
  if (!record) return null;
  return (
    <Stack spacing={1}>
      <JobDeadlines job={record} />
      <JobPayLinks job={record} />
    </Stack>
  );
}

/** One job: its lien deadlines, reached from the customer's jobs and from an invoice. */
export function JobShow() {
  return (
    <Show title={<JobTitle />} actions={<JobActions />} component="div">
      <JobPage />
    </Show>
  );
}
