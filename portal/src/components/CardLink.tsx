import { useEffect, useRef, useState } from 'react';
import { messageOf } from '../api';
import { loadProviderScript } from '../provider-script';
import { COMPANY_METHODS, saveLinkedCard, startCardSession, type MethodEndpoints } from '../payment-methods';
import type { SavedMethod } from '../types';
import { ErrorMessage, Loading } from './ui';

/**
 * Adding a card through Moov's card-link Drop. The card fields are Moov's frame; this page
 * gives the element its token and account, calls `submit()`, and hears back Moov's card
 * (brand, last four, id) or an error. Our server is told only the card's id.
 */
interface MoovCard {
  cardID: string;
}

interface DropError {
  errorMessage?: string;
  error?: { status?: number; existingCardID?: string } | null;
}

interface MoovCardLinkElement extends HTMLElement {
  oauthToken?: string;
  accountID?: string;
  validationEvent?: 'submit' | 'change' | 'keydown' | 'none';
  onSuccess?: (card: MoovCard) => void;
  onError?: (failure: DropError) => void;
  onValidated?: (valid: boolean) => void;
  onEnterKeyPress?: () => void;
  submit(): void;
}

type Phase = 'loading' | 'ready' | 'saving';

export function CardLink({ onSaved, onCancel, endpoints = COMPANY_METHODS }: { onSaved: (method: SavedMethod) => Promise<void>; onCancel: () => void; endpoints?: MethodEndpoints }) {
  const host = useRef<HTMLDivElement>(null);
  const drop = useRef<MoovCardLinkElement | null>(null);
  const [phase, setPhase] = useState<Phase>('loading');
  const [error, setError] = useState<string | null>(null);
  // A new session (and so a new token and a fresh Drop) when the last one expired.
  const [session, setSession] = useState(0);

  useEffect(() => {
    let live = true;
    const save = async (cardId: string) => {
      try {
        await onSaved(await saveLinkedCard(cardId, endpoints));
      } catch (caught) {
        if (!live) return;
        setError(messageOf(caught));
        setPhase('ready');
      }
    };
    (async () => {
      try {
        const started = await startCardSession(endpoints);
        await loadProviderScript(started.scriptUrl);
        await window.customElements.whenDefined('moov-card-link');
        if (!live || !host.current) return;
        const element = document.createElement('moov-card-link') as MoovCardLinkElement;
        element.oauthToken = started.accessToken;
        element.accountID = started.accountId;
        element.validationEvent = 'change';
        element.onSuccess = (card) => void save(card.cardID);
        element.onValidated = (valid) => {
          if (!valid) setPhase((current) => (current === 'saving' ? 'ready' : current));
        };
        element.onError = (failure) => {
          // Moov already holds this card for the company (added before, or added twice): use it.
          if (failure.error?.status === 409 && failure.error.existingCardID) return void save(failure.error.existingCardID);
          if (failure.error?.status === 401) {
            setError('The card form timed out. Enter the card again.');
            setSession((count) => count + 1);
            return;
          }
          setError(failure.errorMessage ? `${failure.errorMessage} Check the details, or try another card.` : 'The card could not be added. Check the details, or try another card.');
          setPhase('ready');
        };
        element.onEnterKeyPress = () => submit();
        host.current.replaceChildren(element);
        drop.current = element;
        setPhase('ready');
      } catch (caught) {
        if (live) setError(messageOf(caught));
      }
    })();
    return () => {
      live = false;
      drop.current?.remove();
      drop.current = null;
      setPhase('loading');
    };
    // onSaved is the parent's and changes every render; the Drop is mounted once per session.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session]);

  const submit = () => {
    if (!drop.current) return;
    setError(null);
    setPhase('saving');
    drop.current.submit();
  };

  return (
    <div className="card-form stack">
      <p className="small muted">Card details are entered in our payment processor's secure form; we only keep the brand and last four digits.</p>
      <ErrorMessage error={error} />
      {phase === 'loading' && !error && <Loading what="Opening the secure card form" />}
      <div ref={host} className="card-drop" />
      <div className="row">
        <button type="button" className="primary" onClick={submit} disabled={phase !== 'ready'}>{phase === 'saving' ? 'Saving card…' : 'Use this card'}</button>
        <button type="button" className="ghost" onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}
