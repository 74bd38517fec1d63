import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeys } from "#db/schema/integrations";
import { db } from "~/db.server";
import { systemActor, type Actor, type StaffActor } from "~/modules/auth/actor";
import { isProblem } from "~/utils/problem";
import { testData } from "../../../test/helpers";
import { createApiKey } from "./create-api-key.server";
import { revokeApiKey } from "./revoke-api-key.server";

// Who may mint or revoke keys is decided in the use cases, whatever page or script calls them.

let admin: StaffActor;
let agent: StaffActor;
let payer: Actor;

beforeAll(async () => {
  const data = await testData();
  const [a, b, p] = await Promise.all([data.staff("ar_admin"), data.staff("ar_agent"), data.payer()]);
  admin = { kind: "staff", userId: a.id, role: "ar_admin", ip: null };
  agent = { kind: "staff", userId: b.id, role: "ar_agent", ip: null };
  payer = { kind: "payer", userId: p.user.id, ip: null };
});

describe("API keys are managed by AR admins only", () => {
  it("refuses an agent (and a payer) creating a key, and stores nothing", async () => {
    for (const actor of [agent, payer]) {
      const name = `Refused key ${actor.kind} ${Math.random()}`;
      expect(await createApiKey(actor, { name, scopes: ["invoices:write"] })).toMatchObject({ kind: "forbidden", message: "Only an AR admin can create or revoke API keys." });
      expect(await db.select().from(apiKeys).where(eq(apiKeys.name, name))).toEqual([]);
    }
  });

  it("refuses an agent revoking a key; the key keeps working", async () => {
    const created = await createApiKey(admin, { name: "ERP to keep", scopes: ["events:read"] });
    if (isProblem(created)) throw new Error(created.message);
    expect(await revokeApiKey(agent, { keyId: created.id })).toMatchObject({ kind: "forbidden" });
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.revokedAt).toBeNull();
    expect(await revokeApiKey(admin, { keyId: created.id })).toMatchObject({ id: created.id, name: "ERP to keep" });
  });

  it("lets an operator at the command line manage keys, and no other system actor", async () => {
    const created = await createApiKey(systemActor("cli", "ops@host"), { name: "From the CLI", scopes: ["events:read"] });
    if (isProblem(created)) throw new Error(created.message);
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.createdByUserId).toBeNull();
    expect(await createApiKey(systemActor("job"), { name: "From a job", scopes: ["events:read"] })).toMatchObject({ kind: "forbidden" });
  });

  it("answers a name with control characters and a key id with U+0000 with a message, not a database error", async () => {
    expect(await createApiKey(admin, { name: "ERP\u0000", scopes: ["events:read"] })).toMatchObject({ kind: "invalid", fields: { name: expect.stringMatching(/control characters/) } });
    expect(await createApiKey(admin, { name: "ERP\u001b[31m", scopes: ["events:read"] })).toMatchObject({ kind: "invalid", fields: { name: expect.any(String) } });
    expect(await revokeApiKey(admin, { keyId: "key_\u0000" })).toMatchObject({ kind: "not_found", message: "This key does not exist or is already revoked." });
  });
});
