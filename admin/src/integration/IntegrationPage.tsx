import { Stack } from '@mui/material';
import { useCallback, useState } from 'react';
import { Title } from 'react-admin';
import { currentSession } from '../session';
import { CsvUpload } from './CsvUpload';
import { IngestionHistory } from './IngestionHistory';
import { IntegrationStatusCard } from './IntegrationStatusCard';

/**
 * The Integration page: where this dealer's receivables come from and how that is going. File
 * dealers upload here; Spruce dealers see the live sync. Both see every past upload.
 */
export function IntegrationPage() {
  const [version, setVersion] = useState(0);
  const refreshHistory = useCallback(() => setVersion((current) => current + 1), []);
  const [runShown, setRunShown] = useState<string | null>(null);
  const fileBased = currentSession()?.dealer.integration_mode !== 'spruce';
  return (
    <Stack spacing={1.5} sx={{ mt: 1, mb: 3 }}>
      <Title title="Integration" />
      <IntegrationStatusCard />
      {fileBased ? <CsvUpload onFinished={refreshHistory} onRunShown={setRunShown} /> : null}
      <IngestionHistory version={version} runShownAbove={runShown} />
    </Stack>
  );
}
