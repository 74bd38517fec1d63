import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema/index";
import { seedDemoData } from "./seed";

/** Seeds demo data into an empty database; returns whether anything was written. */
export async function seedDatabase(url: string): Promise<boolean> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const { seeded } = await seedDemoData(drizzle(client, { schema, casing: "snake_case" }));
    return seeded;
  } finally {
    await client.end();
  }
}
