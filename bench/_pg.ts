import path from "node:path";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
const pg = await startEmbeddedPostgres({ dataDir: path.resolve(".data/bench/pg"), port: 54359, database: "bench" });
console.log("up", pg.url);
await new Promise((r) => setTimeout(r, Number(process.argv[2] ?? 120) * 1000));
await pg.stop(); process.exit(0);
