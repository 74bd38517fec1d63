import { afterEach, expect, it, vi } from "vitest";

// LOG_LEVEL is read on the configuration's first use, which happens inside log().
process.env.LOG_LEVEL = "warn";
const { log } = await import("./log.server");

afterEach(() => vi.restoreAllMocks());

it("writes lines at or above LOG_LEVEL and drops the ones below", () => {
  const written = vi.spyOn(console, "error").mockImplementation(() => {});
  log("debug", "job ran");
  log("info", "charged");
  log("warn", "could not wake the drain", { eventId: "evt_1" });
  log("error", "charge failed");
  expect(written.mock.calls.map(([line]) => JSON.parse(String(line)))).toEqual([
    { level: "warn", msg: "could not wake the drain", eventId: "evt_1" },
    { level: "error", msg: "charge failed" },
  ]);
});
