import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { canEnter, startEmbeddedPostgres } from "./embedded-postgres";

describe("embedded PostgreSQL started by root", () => {
  const privateHome = mkdtempSync(path.join(tmpdir(), "private-home-"));
  chmodSync(privateHome, 0o700);
  afterAll(() => rmSync(privateHome, { recursive: true, force: true }));

  // Only root hands PostgreSQL to the `postgres` user; as anyone else it runs as that user.
  it.skipIf(process.getuid?.() !== 0)("stops before starting when its data is under a folder the postgres user cannot enter, naming the fixes", async () => {
    const dataDir = path.join(privateHome, "portal", ".data", "pg");
    const started = startEmbeddedPostgres({ dataDir, port: 1, database: "portal" });
    await expect(started).rejects.toThrow(`cannot enter ${privateHome} (mode 0700)`);
    await expect(started).rejects.toThrow(`chmod o+x ${privateHome}`);
    await expect(started).rejects.toThrow(/move the checkout .* or set DATABASE_URL/);
  });
});

describe("canEnter", () => {
  const postgres = { uid: 101, gids: [104, 103] };
  it("reads the owner's bits for its owner, the group's for a member, the others' for anyone else", () => {
    expect(canEnter({ uid: 0, gid: 0, mode: 0o40700 }, postgres)).toBe(false);
    expect(canEnter({ uid: 0, gid: 0, mode: 0o40701 }, postgres)).toBe(true);
    expect(canEnter({ uid: 101, gid: 0, mode: 0o40700 }, postgres)).toBe(true);
    expect(canEnter({ uid: 101, gid: 0, mode: 0o40071 }, postgres)).toBe(false);
    expect(canEnter({ uid: 0, gid: 103, mode: 0o40710 }, postgres)).toBe(true);
    expect(canEnter({ uid: 0, gid: 103, mode: 0o40701 }, postgres)).toBe(false);
  });
});
