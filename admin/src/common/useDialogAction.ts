import { useState } from 'react';
import { useNotify } from 'react-admin';

/**
 * The life of a dialog that asks the API to do one thing: busy while it runs, the API's
 * refusal shown in the dialog (which stays open), success notified and the dialog closed.
 * `reload` runs either way: a refusal often means the record moved on meanwhile, and the
 * page behind the dialog should show what it is now.
 */
export function useDialogAction({ onClose, reload }: { onClose: () => void; reload: () => void }) {
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);

  const run = async (call: () => Promise<unknown>, success: string) => {
    setBusy(true);
    setRefusal(null);
    try {
      await call();
      notify(success, { type: 'success' });
      onClose();
      reload();
    } catch (error) {
      setRefusal((error as Error).message);
      reload();
    } finally {
      setBusy(false);
    }
  };

  return { busy, refusal, run };
}
