import { describe, expect, it } from "vitest";
import { isProblem } from "~/utils/problem";
import { floorPage } from "./floor-page.server";

describe("the bench's floor page", () => {
  it("is not found unless BENCH_FLOOR_PAGE is true", async () => {
    const answer = await floorPage({ BENCH_FLOOR_PAGE: "false" });
    expect(isProblem(answer) && answer.kind).toBe("not_found");
  });

  it("answers from the database when the bench turns it on", async () => {
    expect(await floorPage({ BENCH_FLOOR_PAGE: "true" })).toEqual({ answer: 1 });
  });
});
