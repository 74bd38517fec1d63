import path from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { runMigrations as runWorkerMigrations } from "graphile-worker";
import postgres from "postgres";

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/**
 * Applies the committed drizzle-kit migrations and the job queue's own schema. An advisory
 * lock makes it safe for several app servers to start at once.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(724001)`;
    await migrate(drizzle(client), { migrationsFolder });
    await runWorkerMigrations({ connectionString: url });
    await client`select pg_advisory_unlock(724001)`;
  } finally {
    await client.end();
  }
}
