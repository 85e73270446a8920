import type { Knex } from 'knex';

/**
 * The ingestion history as the console reads it: runs with their files and per data type
 * counts, and the row errors of a run. Every query is scoped to one dealer.
 */
export interface IngestionFileView {
  id: string;
  filename: string;
  data_type: string;
  status: string;
  refusal: string | null;
  size_bytes: number;
  content_sha256: string;
  total_lines: number;
  valid_rows: number;
  invalid_rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  columns: Array<{ header: string; column: string | null }>;
  warnings: string[];
  /** The text encoding the file was read in ('utf-8', 'windows-1252', 'utf-16le', 'utf-16be'); null when it was refused. */
  encoding: string | null;
  validated_at: Date | null;
  applied_at: Date | null;
  /** The same content already applied by an earlier run of this dealer. */
  previously_applied: { run_id: string; applied_at: Date } | null;
}

export interface Counts {
  files: number;
  lines: number;
  valid: number;
  invalid: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface IngestionRunView {
  id: string;
  status: string;
  error: string | null;
  workflow_id: string | null;
  created_at: Date;
  validated_at: Date | null;
  committed_at: Date | null;
  finished_at: Date | null;
  uploaded_by: { id: string; name: string; email: string } | null;
  files: IngestionFileView[];
  counts: Record<string, Counts>;
  totals: Counts;
}

const RUN_COLUMNS = [
  'r.id', 'r.status', 'r.error', 'r.workflow_id', 'r.created_at', 'r.validated_at', 'r.committed_at', 'r.finished_at',
  'r.uploaded_by', 'u.name as uploaded_by_name', 'u.email as uploaded_by_email',
];

export const RUN_SORTABLE: Record<string, string> = {
  id: 'r.id', created_at: 'r.created_at', status: 'r.status', finished_at: 'r.finished_at', validated_at: 'r.validated_at', committed_at: 'r.committed_at',
};

export function runsQuery(db: Knex, dealerId: string): Knex.QueryBuilder {
  return db('ingestion_runs as r').leftJoin('operator_users as u', 'u.id', 'r.uploaded_by').where('r.dealer_id', dealerId);
}

export const runColumns = RUN_COLUMNS;

const emptyCounts = (): Counts => ({ files: 0, lines: 0, valid: 0, invalid: 0, inserted: 0, updated: 0, unchanged: 0 });

/** Attaches files and counts to run rows (one query for all files of the page). */
export async function withFiles(db: Knex, dealerId: string, runs: Array<Record<string, any>>): Promise<IngestionRunView[]> {
  if (runs.length === 0) return [];
  const files = await db('ingestion_files as f')
    .where('f.dealer_id', dealerId)
    .whereIn('f.run_id', runs.map((run) => run.id))
    .orderBy([{ column: 'f.run_id' }, { column: 'f.filename' }])
    .select(
      'f.*',
      db.raw(`(select json_build_object('run_id', p.run_id, 'applied_at', p.applied_at) from ingestion_files p
               where p.dealer_id = f.dealer_id and p.content_sha256 = f.content_sha256 and p.status = 'applied' and p.run_id <> f.run_id
                 and p.applied_at < coalesce(f.applied_at, 'infinity')
               order by p.applied_at desc limit 1) as previously_applied`),
    );
  return runs.map((run) => {
    const own = files.filter((file) => file.run_id === run.id).map((file): IngestionFileView => ({
      id: file.id, filename: file.filename, data_type: file.data_type, status: file.status, refusal: file.refusal,
      size_bytes: file.size_bytes, content_sha256: file.content_sha256, total_lines: file.total_lines, valid_rows: file.valid_rows,
      invalid_rows: file.invalid_rows, inserted: file.inserted, updated: file.updated, unchanged: file.unchanged,
      columns: file.columns, warnings: file.warnings, encoding: file.encoding, validated_at: file.validated_at, applied_at: file.applied_at,
      previously_applied: file.previously_applied,
    }));
    const counts: Record<string, Counts> = {};
    const totals = emptyCounts();
    for (const file of own) {
      const entry = (counts[file.data_type] ??= emptyCounts());
      for (const target of [entry, totals]) {
        target.files += 1;
        target.lines += file.total_lines;
        target.valid += file.valid_rows;
        target.invalid += file.invalid_rows;
        target.inserted += file.inserted;
        target.updated += file.updated;
        target.unchanged += file.unchanged;
      }
    }
    return {
      id: run.id, status: run.status, error: run.error, workflow_id: run.workflow_id, created_at: run.created_at,
      validated_at: run.validated_at, committed_at: run.committed_at, finished_at: run.finished_at,
      uploaded_by: run.uploaded_by ? { id: run.uploaded_by, name: run.uploaded_by_name, email: run.uploaded_by_email } : null,
      files: own, counts, totals,
    };
  });
}

export async function findRun(db: Knex, dealerId: string, runId: string): Promise<IngestionRunView | undefined> {
  const run = await runsQuery(db, dealerId).where('r.id', runId).first(RUN_COLUMNS);
  if (!run) return undefined;
  const [view] = await withFiles(db, dealerId, [run]);
  return view;
}
