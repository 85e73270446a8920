import { LienWaiverList } from '../components/LienWaiverList';

/** Every lien waiver of the company's accounts, or one job's (`#/lien-waivers?job=<id>`). */
export function LienWaivers({ jobId }: { jobId: string | null }) {
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>Lien waivers</h1>
          <p className="muted">A conditional waiver is ready when you pay for a job; the unconditional one replaces it once your payment can no longer come back.</p>
        </div>
      </div>
      {jobId && <p className="eyebrow"><a href="#/lien-waivers">‹ All jobs</a></p>}
      <div className="card">
        <LienWaiverList jobId={jobId ?? undefined} emptyText="No lien waivers yet: they come with payments for items on a job." />
      </div>
    </section>
  );
}
