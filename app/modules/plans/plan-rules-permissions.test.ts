import { eq } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { users } from "#db/schema/accounts";
import { db } from "~/db.server";
import { seed } from "../../../test/helpers";
import { defaultPlanRules, getPlanRules, updatePlanRules } from "./policy.server";

beforeAll(seed);

it("only an AR admin changes the plan rules, checked in the use case and not only by the page", async () => {
  const [agent] = await db.select({ id: users.id }).from(users).where(eq(users.role, "ar_agent")).limit(1);
  const before = await getPlanRules();
  const result = await updatePlanRules({ ...defaultPlanRules, approvalThreshold: 1 }, { userId: agent!.id, ip: null });
  expect(result).toEqual({ ok: false, forbidden: true, message: "Only an AR admin can change the payment plan rules." });
  expect(await getPlanRules()).toEqual(before);

  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.role, "ar_admin")).limit(1);
  expect(await updatePlanRules({ ...before, approvalThreshold: (before.approvalThreshold ?? 0) + 100 }, { userId: admin!.id, ip: null })).toMatchObject({ ok: true });
  expect((await getPlanRules()).approvalThreshold).toBe((before.approvalThreshold ?? 0) + 100);
  await updatePlanRules(before, { userId: admin!.id, ip: null });
});
