import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The layering the code is written on (docs/architecture-layers.md), held by a test so it
 * cannot drift back: the HTTP edge and the services hold no SQL, the bottom layer imports
 * nothing above it, and the workflow bundle reaches only deterministic code.
 */
const root = path.resolve(__dirname, '../..');

function sourceFiles(folder: string): string[] {
  const dir = path.join(root, folder);
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) found.push(...sourceFiles(path.join(folder, entry)));
    else if (/\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry)) found.push(path.join(folder, entry));
  }
  return found;
}

const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** `file:line: text` for each line of the folders' files (but those excepted) the pattern matches. */
function offenders(folders: string[], pattern: RegExp, except: readonly string[] = []): string[] {
  return folders.flatMap(sourceFiles).filter((file) => !except.includes(file)).flatMap((file) =>
    read(file).split('\n').flatMap((line, index) => (pattern.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])));
}

/** The project folders a file imports from, resolved from its relative import paths. */
function importedFolders(file: string): Array<{ specifier: string; folder: string }> {
  const specifiers = [...read(file).matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => {
    const target = path.relative(root, path.resolve(root, path.dirname(file), specifier));
    return { specifier, folder: target.split(path.sep)[0]! };
  });
}

function importsInto(folders: string[], forbidden: string[]): string[] {
  return folders.flatMap(sourceFiles).flatMap((file) =>
    importedFolders(file).filter(({ folder }) => forbidden.includes(folder)).map(({ specifier }) => `${file} imports ${specifier}`));
}

describe('layers', () => {
  it('keeps table access in db/: the API edge and the services write no SQL, the activities touch no table', () => {
    // A knex table call (`db('payments')`, `trx<Row>("…")`, `this.db(`…`)`), a raw fragment, or a query built on a handle.
    const tableAccess = /\b(db|trx|knex|tx)(<[^>]*>)?\(\s*['"`]|\b(db|trx|knex|tx)\.raw\(|\.(whereRaw|orderByRaw|joinRaw|selectRaw|havingRaw)\(/;
    // ...and a SQL value such as `trx.fn.now()`, which an activity may still hand to a db/ function.
    const sql = new RegExp(`${tableAccess.source}|\\b(db|trx)\\.fn\\.`);
    expect(offenders(['api', 'services'], sql)).toEqual([]);
    expect(offenders(['activities'], tableAccess)).toEqual([]);
  });

  it('keeps services/ free of the HTTP layer', () => {
    expect(importsInto(['services'], ['api'])).toEqual([]);
  });

  it('keeps runtime/ the bottom layer', () => {
    expect(importsInto(['runtime'], ['activities', 'services', 'api', 'workflows', 'worker'])).toEqual([]);
  });

  it('keeps db/ and domain/ free of HTTP statuses and of the layers above them', () => {
    expect(importsInto(['db'], ['api', 'services', 'activities'])).toEqual([]);
    expect(importsInto(['domain'], ['api', 'services', 'activities', 'db', 'runtime', 'integrations'])).toEqual([]);
  });

  it('starts every workflow by its function, never by a string name', () => {
    const byName = /workflow\.(start|execute|signalWithStart)\(\s*['"`A-Z_]/;
    expect(offenders(['api', 'services', 'activities', 'workflows', 'worker', 'scripts', 'bench'], byName)).toEqual([]);
  });
  // What the workflow bundle may reach is held by test/workflow-sandbox.test.ts.
});
