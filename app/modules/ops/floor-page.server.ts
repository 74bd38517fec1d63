import { sqlClient } from "~/db.server";
import { env, type Env } from "~/env.server";
import { notFound, type Problem } from "~/utils/problem";

/**
 * The benchmark's floor (`/bench/floor`): what a page costs on this stack — Express, Remix, the
 * root layout and one database round trip — with no work of its own. The bench reports every
 * page's rate as a share of this one's. It exists only when BENCH_FLOOR_PAGE=true (the bench
 * sets it); otherwise it is not found, like any unknown address.
 */
export async function floorPage(config: Pick<Env, "BENCH_FLOOR_PAGE"> = env()): Promise<{ answer: number } | Problem> {
  if (config.BENCH_FLOOR_PAGE !== "true") return notFound();
  const [row] = await sqlClient()<{ answer: number }[]>`select 1 as answer`;
  return { answer: row?.answer ?? 0 };
}
