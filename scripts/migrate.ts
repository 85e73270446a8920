import { createDb, ensureDatabase, migrateDownAll, migrateLatest } from '../db/connection';
import { config } from '../runtime/config';

/** `tsx scripts/migrate.ts latest|rollback-all` against DATABASE_URL. */
async function main(): Promise<void> {
  const action = process.argv[2] ?? 'latest';
  const { DATABASE_URL } = config();
  await ensureDatabase(DATABASE_URL);
  const db = createDb(DATABASE_URL);
  try {
    if (action === 'latest') {
      const applied = await migrateLatest(db);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
    } else if (action === 'rollback-all') {
      await migrateDownAll(db);
      console.log('rolled back every migration');
    } else {
      throw new Error(`unknown action ${action}; use latest or rollback-all`);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  console.error(`drypowder migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
