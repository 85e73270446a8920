import { useDataProvider } from 'react-admin';
import { useDialogAction } from '../common/useDialogAction';
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
  const { busy, refusal, run } = useDialogAction();

  const decide = (runId: string, decision: RunDecision) =>
    run(
      async () => onDecided(decision === 'commit' ? await dataProvider.commitIngestionRun(runId) : await dataProvider.cancelIngestionRun(runId)),
      { message: decision === 'commit' ? 'Applying the valid rows…' : 'Upload cancelled; nothing was applied.', type: 'info' },
    );

  return { deciding: busy, error: refusal, decide };
}
