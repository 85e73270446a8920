import { useState } from 'react';
import { useDataProvider, useNotify } from 'react-admin';
import type { OperatorDataProvider } from '../dataProvider';
import type { IngestionRun } from './integrationApi';

export type RunDecision = 'commit' | 'cancel';

/**
 * Commit or cancel a validated upload, from the upload card right after validation or from
 * the history later on (the run waits for the decision however long the operator takes).
 * The API's refusal (someone else decided first) is kept for the caller to show.
 */
export function useRunDecision(onDecided: (run: IngestionRun) => void) {
  const dataProvider = useDataProvider<OperatorDataProvider>();
  const notify = useNotify();
  const [deciding, setDeciding] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const decide = async (runId: string, decision: RunDecision) => {
    setDeciding(true);
    setError(null);
    try {
      const next = decision === 'commit' ? await dataProvider.commitIngestionRun(runId) : await dataProvider.cancelIngestionRun(runId);
      notify(decision === 'commit' ? 'Applying the valid rows…' : 'Upload cancelled; nothing was applied.', { type: 'info' });
      onDecided(next);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setDeciding(false);
    }
  };

  return { deciding, error, decide };
}
