import { Card, CardContent, Stack, Typography } from '@mui/material';
import { ApiKeysSection } from './ApiKeysSection';
import { DealerSettingsForm } from './DealerSettingsForm';
import { LienDeadlinesSection } from './LienDeadlinesSection';
import { LienWaiverFormsSection } from './LienWaiverFormsSection';
import { OperatorList } from './OperatorList';
import { RemindersSection } from './RemindersSection';
import { WebhooksSection } from './WebhooksSection';

export function SettingsPage() {
  return (
    <Stack spacing={2} sx={{ mt: 1 }}>
      <DealerSettingsForm />
      <RemindersSection />
      <LienWaiverFormsSection />
      <LienDeadlinesSection />
      <Card>
        <CardContent>
          <Typography variant="h6" gutterBottom>
            Team
          </Typography>
          <OperatorList />
        </CardContent>
      </Card>
      <ApiKeysSection />
      <WebhooksSection />
    </Stack>
  );
}
