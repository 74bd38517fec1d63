import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { users } from "#db/schema/accounts";
import { apiKeys } from "#db/schema/integrations";
import { db } from "~/db.server";
import { seed } from "../../../test/helpers";
import { createApiKey } from "./create-api-key.server";
import { revokeApiKey } from "./revoke-api-key.server";

// Who may mint or revoke keys is decided in the use cases, whatever page or script calls them.

let adminId: string;
let agentId: string;

beforeAll(async () => {
  await seed();
  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.role, "ar_admin")).limit(1);
  const [agent] = await db.select({ id: users.id }).from(users).where(eq(users.role, "ar_agent")).limit(1);
  adminId = admin!.id;
  agentId = agent!.id;
});

describe("API keys are managed by AR admins only", () => {
  it("refuses an agent (and a payer) creating a key, and stores nothing", async () => {
    const [payer] = await db.select({ id: users.id }).from(users).where(eq(users.role, "payer")).limit(1);
    for (const userId of [agentId, payer!.id]) {
      const name = `Agent key ${userId}`;
      expect(await createApiKey({ staff: { userId, ip: null }, name, scopes: ["invoices:write"] })).toEqual({
        ok: false,
        forbidden: true,
        message: "Only an AR admin can create or revoke API keys.",
      });
      expect(await db.select().from(apiKeys).where(eq(apiKeys.name, name))).toEqual([]);
    }
  });

  it("refuses an agent revoking a key; the key keeps working", async () => {
    const created = await createApiKey({ staff: { userId: adminId, ip: null }, name: "ERP to keep", scopes: ["events:read"] });
    if (!created.ok) throw new Error(JSON.stringify(created));
    expect(await revokeApiKey({ staff: { userId: agentId, ip: null }, keyId: created.id })).toMatchObject({ ok: false, forbidden: true });
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.revokedAt).toBeNull();
    expect(await revokeApiKey({ staff: { userId: adminId, ip: null }, keyId: created.id })).toEqual({ ok: true });
  });

  it("answers a name with control characters and a key id with U+0000 with a message, not a database error", async () => {
    const admin = { userId: adminId, ip: null };
    expect(await createApiKey({ staff: admin, name: "ERP\u0000", scopes: ["events:read"] })).toMatchObject({ ok: false, fieldErrors: { name: expect.stringMatching(/control characters/) } });
    expect(await createApiKey({ staff: admin, name: "ERP\u001b[31m", scopes: ["events:read"] })).toMatchObject({ ok: false, fieldErrors: { name: expect.any(String) } });
    expect(await revokeApiKey({ staff: admin, keyId: "key_\u0000" })).toEqual({ ok: false, message: "This key does not exist or is already revoked." });
  });
});
