import { useEffect, useRef, type ReactNode } from 'react';
import type { Session } from '../types';

interface Props {
  session: Session | null;
  onSignOut: () => void;
  active?: 'outstanding' | 'payments' | 'lien-waivers' | 'autopay' | 'approvals' | 'team';
  /** Sign-in and registration pages: no navigation. */
  minimal?: boolean;
  children: ReactNode;
}

export function Layout({ session, onSignOut, active, minimal, children }: Props) {
  const nav = useRef<HTMLElement>(null);
  // On a phone the entries scroll sideways in one row: the page's own entry is brought into view.
  useEffect(() => {
    const current = nav.current?.querySelector<HTMLElement>('a.active');
    if (current && nav.current && nav.current.scrollWidth > nav.current.clientWidth) current.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [active]);
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="#/">
          <span className="brand-mark" aria-hidden="true">$</span>
          <span className="brand-name">Drypowder</span>
        </a>
        {!minimal && session && (
          <>
            <nav className="nav" aria-label="Main" ref={nav}>
              <a href="#/" className={active === 'outstanding' ? 'active' : ''}>Outstanding</a>
              <a href="#/payments" className={active === 'payments' ? 'active' : ''}>Payments</a>
              {session.user.role !== 'project_manager' && <a href="#/autopay" className={active === 'autopay' ? 'active' : ''}>Autopay</a>}
              <a href="#/lien-waivers" className={active === 'lien-waivers' ? 'active' : ''}>Lien waivers</a>
              <a href="#/approvals" className={active === 'approvals' ? 'active' : ''}>Approvals</a>
              {session.user.role === 'owner' && <a href="#/team" className={active === 'team' ? 'active' : ''}>Team</a>}
            </nav>
            <button type="button" className="link-button sign-out" onClick={onSignOut} title={`Signed in as ${session.user.email}`}>Sign out</button>
          </>
        )}
      </header>
      <main className={minimal ? 'content narrow' : 'content'}>{children}</main>
    </div>
  );
}
