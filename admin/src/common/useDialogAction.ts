import { useState } from 'react';
import { useNotify } from 'react-admin';

/** What the operator is told when the action went through: a sentence, or a sentence and its tone. */
export type ActionNotice = string | { message: string; type: 'success' | 'info' };

export interface DialogActionOptions {
  /** Closes the dialog once the action went through; an action without a dialog leaves it out. */
  onClose?: () => void;
  /** Shows the page behind the dialog as it is now. */
  reload?: () => void;
  /**
   * An action started from a toolbar or a table row has no dialog open to hold its refusal:
   * the refusal is notified instead of kept in `refusal`.
   */
  notifyRefusal?: boolean;
}

/**
 * The life of a dialog that asks the API to do one thing: busy while it runs, the API's
 * refusal shown in the dialog (which stays open), success notified and the dialog closed.
 * `reload` runs either way: a refusal often means the record moved on meanwhile, and the
 * page behind the dialog should show what it is now.
 *
 * `success` may read the API's answer (a sentence the API wrote); it is null when the answer
 * shows itself and there is nothing to notify. `refuse` holds a refusal found before asking
 * the API (a field left empty).
 */
export function useDialogAction({ onClose, reload, notifyRefusal = false }: DialogActionOptions = {}) {
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);

  const refuse = (message: string) => {
    if (notifyRefusal) notify(message, { type: 'error' });
    else setRefusal(message);
  };

  const run = async <T>(call: () => Promise<T>, success: ActionNotice | null | ((answer: T) => ActionNotice | null)) => {
    setBusy(true);
    setRefusal(null);
    try {
      const answer = await call();
      const notice = typeof success === 'function' ? success(answer) : success;
      if (notice !== null) {
        if (typeof notice === 'string') notify(notice, { type: 'success' });
        else notify(notice.message, { type: notice.type });
      }
      onClose?.();
      reload?.();
    } catch (error) {
      refuse((error as Error).message);
      reload?.();
    } finally {
      setBusy(false);
    }
  };

  return { busy, refusal, run, refuse };
}
