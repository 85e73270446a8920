import { useEffect, useState } from 'react';
import { messageOf } from '../api';
import { allItems } from '../outstanding-items';
import { ErrorMessage, Loading } from '../components/ui';
import { linkNote, selectionFromLink } from '../pay-link';
import type { Selection } from '../selection';

interface Props {
  dealerId: string;
  itemIds: string[];
  /** The items still open chosen (or none), and what to tell the customer about the rest. */
  onReady: (selection: Selection | null, note: string | null) => void;
}

/** Opens an emailed pay link: reads what is open now and chooses the linked items that still are. */
export function PayLink({ dealerId, itemIds, onReady }: Props) {
  const [error, setError] = useState<string | null>(null);
  const key = itemIds.join(',');
  useEffect(() => {
    let live = true;
    allItems({ dealerId, view: 'all', ids: itemIds }).then(
      (open) => {
        if (!live) return;
        const result = selectionFromLink(dealerId, open, itemIds);
        onReady(result.selection, linkNote(result));
      },
      (failure: unknown) => live && setError(messageOf(failure)),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dealerId, key]);
  if (error) return <><ErrorMessage error={error} /><p><a href="#/">Back to your suppliers</a></p></>;
  return <Loading />;
}
