import { beforeAll, expect, it } from "vitest";
import type { StaffActor } from "~/modules/auth/actor";
import { testData } from "../../../test/helpers";
import { defaultPlanRules, getPlanRules, updatePlanRules } from "./policy.server";

let agent: StaffActor;
let admin: StaffActor;

beforeAll(async () => {
  const make = await testData();
  agent = { kind: "staff", userId: (await make.staff("ar_agent")).id, role: "ar_agent", ip: null };
  admin = { kind: "staff", userId: (await make.staff("ar_admin")).id, role: "ar_admin", ip: null };
});

it("only an AR admin changes the plan rules, checked in the use case and not only by the page", async () => {
  const before = await getPlanRules();
  const refused = await updatePlanRules(agent, { ...defaultPlanRules, approvalThreshold: 1 });
  expect(refused).toMatchObject({ kind: "forbidden", message: "Only an AR admin can change the payment plan rules." });
  expect(await getPlanRules()).toEqual(before);

  expect(await updatePlanRules(admin, { ...before, approvalThreshold: (before.approvalThreshold ?? 0) + 100 })).toMatchObject({ rules: { approvalThreshold: (before.approvalThreshold ?? 0) + 100 } });
  expect((await getPlanRules()).approvalThreshold).toBe((before.approvalThreshold ?? 0) + 100);
  await updatePlanRules(admin, before);
});

it("refuses rules outside the limits, naming the field", async () => {
  const refused = await updatePlanRules(admin, { ...defaultPlanRules, maxInstallments: 61 });
  expect(refused).toMatchObject({ kind: "invalid", message: "Allow at most 60 installments.", fields: { maxInstallments: "Allow at most 60 installments." } });
});
