import { Alert, Card, CardContent, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import type { JobRow } from '../../../contracts/operator/jobs';
import { calendarDate, money } from '../common/format';
import { deadlineColor, deadlineText } from './deadlineText';

function Fact({ label, children, color }: { label: string; children: ReactNode; color?: string }) {
  return (
    <Stack spacing={0.25}>
      <Typography variant="caption" color="text.secondary">{label}</Typography>
      <Typography variant="body2" color={color} sx={{ fontVariantNumeric: 'tabular-nums' }}>{children}</Typography>
    </Stack>
  );
}

function stateText(job: JobRow): string {
  if (!job.state) return 'Unknown';
  return job.state_source === 'account' ? `${job.state} (the account's)` : job.state;
}

/**
 * A job's lien deadlines as the dealer's counsel would want them read: the state whose rule
 * applies and where it came from, the days the rule gives, and each deadline with how near it is.
 */
export function JobDeadlines({ job, title = 'Lien deadlines' }: { job: JobRow; title?: string }) {
  const noRule = job.rule_source === null;
  return (
    <Card variant="outlined" data-testid="job-lien-deadlines">
      <CardContent>
        <Typography variant="subtitle2" gutterBottom>{title}</Typography>
        <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 3 }}>
          <Fact label="Job">{job.name} ({job.erp_job_id})</Fact>
          <Fact label="State">{stateText(job)}</Fact>
          <Fact label="First delivery">{calendarDate(job.first_delivery_date)}</Fact>
          <Fact label="Last delivery">{calendarDate(job.last_delivery_date)}</Fact>
          <Fact label="Open on this job">{money(job.open_cents)}</Fact>
          <Fact label={`Preliminary notice${job.preliminary_notice_days ? ` (${job.preliminary_notice_days} days)` : ''}`} color={deadlineColor(job.preliminary_notice_days_left)}>
            {!noRule && job.preliminary_notice_days === null ? 'None required' : deadlineText(job.preliminary_notice_due, job.preliminary_notice_days_left)}
          </Fact>
          <Fact label={`Lien filing${job.lien_filing_days ? ` (${job.lien_filing_days} days)` : ''}`} color={deadlineColor(job.lien_filing_days_left)}>
            {deadlineText(job.lien_filing_due, job.lien_filing_days_left)}
          </Fact>
        </Stack>
        <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 1.5 }}>
          {noRule
            ? 'No lien rule for this state: add one in Settings → Lien deadlines if you need its deadlines.'
            : `${job.rule_source === 'override' ? "Your override of this state's days" : 'Simplified default days for this state'}, counted in calendar days from the delivery dates. Confirm them with your counsel.`}
        </Typography>
      </CardContent>
    </Card>
  );
}

export function JobDeadlinesError({ message }: { message: string }) {
  return <Alert severity="error">Lien deadlines could not be loaded: {message}</Alert>;
}
