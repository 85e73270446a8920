import { Alert, Card, CardContent, Typography } from '@mui/material';
import { currentSession } from './session';
import { Title } from 'react-admin';

/**
 * Stand-ins for pages another area of the console provides. Each is registered so links and
 * menu entries already work; the owning area replaces its line in resources.tsx or App.tsx.
 */
export function ComingPage({ title, what }: { title: string; what: string }) {
  return (
    <Card sx={{ mt: 1 }}>
      <Title title={title} />
      <CardContent>
        <Typography variant="h6" gutterBottom>
          {title}
        </Typography>
        <Alert severity="info">{what} will appear here.</Alert>
      </CardContent>
    </Card>
  );
}

export const comingResource = (title: string, what: string) => ({
  list: () => <ComingPage title={title} what={what} />,
  show: () => <ComingPage title={title} what={what} />,
});

/** Until the integration area provides its page: at least the mode this dealer runs in. */
export function IntegrationPlaceholder() {
  const mode = currentSession()?.dealer.integration_mode;
  return (
    <ComingPage
      title="Integration"
      what={`This dealer receives its receivables ${mode === 'spruce' ? 'from Spruce in real time' : mode === 'file' ? 'by CSV upload' : 'from its ERP'}. Connection health, sync lag, uploads and ingestion history`}
    />
  );
}
