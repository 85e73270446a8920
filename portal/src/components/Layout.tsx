import type { ReactNode } from 'react';
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
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="#/">
          <span className="brand-mark" aria-hidden="true">$</span>
          <span className="brand-name">Drypowder</span>
        </a>
        {!minimal && session && (
          <nav className="nav" aria-label="Main">
            <a href="#/" className={active === 'outstanding' ? 'active' : ''}>Outstanding</a>
            <a href="#/payments" className={active === 'payments' ? 'active' : ''}>Payments</a>
            {session.user.role !== 'project_manager' && <a href="#/autopay" className={active === 'autopay' ? 'active' : ''}>Autopay</a>}
            <a href="#/lien-waivers" className={active === 'lien-waivers' ? 'active' : ''}><span className="wide-only">Lien waivers</span><span className="narrow-only">Waivers</span></a>
            <a href="#/approvals" className={active === 'approvals' ? 'active' : ''}>Approvals</a>
            {session.user.role === 'owner' && <a href="#/team" className={active === 'team' ? 'active' : ''}>Team</a>}
            <button type="button" className="link-button" onClick={onSignOut} title={`Signed in as ${session.user.email}`}>Sign out</button>
          </nav>
        )}
      </header>
      <main className={minimal ? 'content narrow' : 'content'}>{children}</main>
    </div>
  );
}
