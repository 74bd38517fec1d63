import { json, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { floorPage } from "~/modules/ops/floor-page.server";
import { orThrow } from "~/utils/problem-response.server";

/** The bench's trivial page (app/modules/ops/floor-page.server.ts): 404 unless BENCH_FLOOR_PAGE=true. */
export const meta: MetaFunction = () => [{ title: "Bench floor" }];

export async function loader() {
  return json(orThrow(await floorPage()));
}

export default function BenchFloor() {
  const { answer } = useLoaderData<typeof loader>();
  return (
    <main className="p-6">
      <p>Floor: {answer}</p>
    </main>
  );
}
