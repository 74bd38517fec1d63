import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "#db/schema/audit";
import { cadenceSteps, cadences, collectionPolicies, collectionProfiles, segments } from "#db/schema/collections";
import { db } from "~/db.server";
import type { StaffActor } from "~/modules/auth/actor";
import { formatMoney } from "~/utils/money";
import { isProblem, type Problem } from "~/utils/problem";
import { testData } from "../../../test/helpers";
import { deleteCadenceStep } from "./delete-cadence-step.server";
import { deleteCadence } from "./delete-cadence.server";
import { deleteSegment } from "./delete-segment.server";
import { getCadence } from "./get-cadence.server";
import { listCadences } from "./list-cadences.server";
import { listSegments } from "./list-segments.server";
import { previewReminder } from "./preview-reminder.server";
import { getCollectionRules } from "./rules.server";
import { saveCadenceStep } from "./save-cadence-step.server";
import { saveCadence } from "./save-cadence.server";
import { saveSegment } from "./save-segment.server";
import { setDefaultCadence } from "./set-default-cadence.server";
import { updateCollectionRules } from "./update-collection-rules.server";

// Who may change what every customer is sent is decided in the use cases, whatever page calls them.

let admin: StaffActor;
let agent: StaffActor;

beforeAll(async () => {
  const data = await testData();
  const [a, b] = await Promise.all([data.staff("ar_admin"), data.staff("ar_agent")]);
  admin = { kind: "staff", userId: a.id, role: "ar_admin", ip: null };
  agent = { kind: "staff", userId: b.id, role: "ar_agent", ip: null };
});

function ok<T>(result: T | Problem): T {
  if (isProblem(result)) throw new Error(`refused: ${result.message}`);
  return result;
}

let n = 0;
const uniqueName = (base: string) => `${base} ${++n}-${Math.random().toString(36).slice(2, 7)}`;

async function newCadence(): Promise<string> {
  return ok(await saveCadence(admin, { name: uniqueName("Test cadence") })).cadenceId;
}

const email = (offsetDays: string | number, over: Partial<{ subject: string; body: string; channel: string }> = {}) => ({
  offsetDays,
  channel: "email",
  subject: "Reminder for {{account_name}}",
  body: "{{invoice_count}} invoices, {{total_due}} due.",
  ...over,
});

describe("cadences", () => {
  it("refuses an agent every change, and stores nothing", async () => {
    const cadenceId = await newCadence();
    const name = uniqueName("Agent's cadence");
    expect(await saveCadence(agent, { name })).toMatchObject({ kind: "forbidden" });
    expect(await db.select().from(cadences).where(eq(cadences.name, name))).toEqual([]);
    expect(await saveCadenceStep(agent, { cadenceId, ...email(5) })).toMatchObject({ kind: "forbidden" });
    expect(await setDefaultCadence(agent, { cadenceId })).toMatchObject({ kind: "forbidden" });
    expect(await deleteCadence(agent, { cadenceId })).toMatchObject({ kind: "forbidden" });
    expect(await db.select().from(cadenceSteps).where(eq(cadenceSteps.cadenceId, cadenceId))).toEqual([]);
    // Agents may look.
    expect(ok(await getCadence(agent, cadenceId)).cadence.id).toBe(cadenceId);
    expect(ok(await listCadences(agent)).some((c) => c.id === cadenceId)).toBe(true);
  });

  it("validates the name, refuses a name taken in any case, and audits creation and copies steps", async () => {
    expect(await saveCadence(admin, { name: "  " })).toMatchObject({ kind: "invalid", fields: { name: expect.stringContaining("Give the cadence a name") } });
    expect(await saveCadence(admin, { name: "Evil\u202Ename" })).toMatchObject({ kind: "invalid", fields: { name: expect.stringContaining("control characters") } });
    const name = uniqueName("Copied");
    const created = ok(await saveCadence(admin, { name, description: "For good payers", copyFrom: (await db.select().from(cadences).where(eq(cadences.isDefault, true)))[0]!.id }));
    expect(created.created).toBe(true);
    const steps = await db.select().from(cadenceSteps).where(eq(cadenceSteps.cadenceId, created.cadenceId));
    expect(steps.map((s) => s.offsetDays).sort((a, b) => a - b)).toEqual([-3, 0, 7, 14, 30]);
    expect(await saveCadence(admin, { name: name.toUpperCase() })).toMatchObject({ kind: "conflict", fields: { name: expect.stringContaining("already exists") } });
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "cadence.created"), eq(auditLog.subjectId, created.cadenceId)));
    expect(audit).toMatchObject({ actorUserId: admin.userId, data: expect.objectContaining({ name, steps: [-3, 0, 7, 14, 30] }) });
  });

  it("makes another cadence the default: exactly one default", async () => {
    const [before] = await db.select().from(cadences).where(eq(cadences.isDefault, true));
    const cadenceId = await newCadence();
    expect(ok(await setDefaultCadence(admin, { cadenceId }))).toEqual({ cadenceId, previousId: before!.id });
    expect((await db.select().from(cadences).where(eq(cadences.isDefault, true))).map((c) => c.id)).toEqual([cadenceId]);
    ok(await setDefaultCadence(admin, { cadenceId: before!.id }));
    expect((await db.select().from(cadences).where(eq(cadences.isDefault, true))).map((c) => c.id)).toEqual([before!.id]);
  });

  it("deletes only a cadence nobody follows: not the default, not one an account or a segment names", async () => {
    const [defaultCadence] = await db.select().from(cadences).where(eq(cadences.isDefault, true));
    expect(await deleteCadence(admin, { cadenceId: defaultCadence!.id })).toMatchObject({ kind: "conflict", message: expect.stringContaining("default cadence") });

    const data = await testData();
    const account = await data.account();
    const direct = await newCadence();
    await db.insert(collectionProfiles).values({ accountId: account.id, cadenceId: direct });
    expect(await deleteCadence(admin, { cadenceId: direct })).toMatchObject({ kind: "conflict", message: expect.stringContaining("in use by 1 account") });

    const viaSegment = await newCadence();
    const segment = ok(await saveSegment(admin, { name: uniqueName("Risky"), cadenceId: viaSegment })).name;
    expect(await deleteCadence(admin, { cadenceId: viaSegment })).toMatchObject({ kind: "conflict", message: expect.stringContaining(`the segment ${segment}`) });

    const unused = await newCadence();
    ok(await saveCadenceStep(admin, { cadenceId: unused, ...email(3) }));
    expect(ok(await deleteCadence(admin, { cadenceId: unused })).name).toMatch(/^Test cadence/);
    expect(await db.select().from(cadences).where(eq(cadences.id, unused))).toEqual([]);
    expect(await db.select().from(cadenceSteps).where(eq(cadenceSteps.cadenceId, unused))).toEqual([]);
    expect(await db.select().from(cadences).where(eq(cadences.id, direct))).toHaveLength(1);
  });

  it("counts the accounts that follow a cadence directly and through segments", async () => {
    const data = await testData();
    const cadenceId = await newCadence();
    const segment = ok(await saveSegment(admin, { name: uniqueName("Wholesale"), cadenceId })).name;
    const [a, b, c] = await Promise.all([data.account(), data.account(), data.account()]);
    await db.insert(collectionProfiles).values([
      { accountId: a.id, cadenceId },
      { accountId: b.id, segment },
      // Its own cadence wins over its segment's: counted there, not here.
      { accountId: c.id, segment, cadenceId: (await db.select().from(cadences).where(eq(cadences.isDefault, true)))[0]!.id },
    ]);
    expect(ok(await getCadence(admin, cadenceId)).usage).toEqual({ direct: 1, viaSegments: 1, segments: [segment] });
  });
});

describe("cadence steps", () => {
  it("adds, edits and removes steps; offsets are whole days from −90 to +365, one step per day", async () => {
    const cadenceId = await newCadence();
    const added = ok(await saveCadenceStep(admin, { cadenceId, ...email("−3") }));
    expect(added).toMatchObject({ created: true, offsetDays: -3 });
    ok(await saveCadenceStep(admin, { cadenceId, ...email("+7") }));
    // A call step needs no message: it is the collector's task.
    ok(await saveCadenceStep(admin, { cadenceId, offsetDays: "45", channel: "call", subject: "Call {{account_name}}", body: "" }));

    for (const typed of ["366", "-91", "1.5", "abc", "", "7 days"]) {
      expect(await saveCadenceStep(admin, { cadenceId, ...email(typed) })).toMatchObject({ kind: "invalid", fields: { offsetDays: expect.stringContaining("whole number of days") } });
    }
    expect(await saveCadenceStep(admin, { cadenceId, ...email(7) })).toMatchObject({ kind: "conflict", fields: { offsetDays: expect.stringContaining("already has a step on day +7") } });
    // Moving a step onto another's day is refused too; onto its own day is fine.
    expect(await saveCadenceStep(admin, { cadenceId, stepId: added.stepId, ...email(45) })).toMatchObject({ kind: "conflict", fields: { offsetDays: expect.any(String) } });
    const edited = ok(await saveCadenceStep(admin, { cadenceId, stepId: added.stepId, ...email(-3, { subject: "Coming due: {{total_due}}" }) }));
    expect(edited).toEqual({ stepId: added.stepId, created: false, offsetDays: -3 });

    const steps = await db.select().from(cadenceSteps).where(eq(cadenceSteps.cadenceId, cadenceId));
    expect(steps.map((s) => [s.offsetDays, s.channel, s.subject]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [-3, "email", "Coming due: {{total_due}}"],
      [7, "email", "Reminder for {{account_name}}"],
      [45, "call", "Call {{account_name}}"],
    ]);

    expect(await deleteCadenceStep(agent, { cadenceId, stepId: added.stepId })).toMatchObject({ kind: "forbidden" });
    expect(ok(await deleteCadenceStep(admin, { cadenceId, stepId: added.stepId }))).toEqual({ offsetDays: -3 });
    expect(await deleteCadenceStep(admin, { cadenceId, stepId: added.stepId })).toMatchObject({ kind: "not_found" });
    const actions = (await db.select().from(auditLog).where(eq(auditLog.subjectId, cadenceId))).map((a) => a.action);
    expect(actions).toEqual(["cadence.created", "cadence.step_added", "cadence.step_added", "cadence.step_added", "cadence.step_updated", "cadence.step_removed"]);
  });

  it("refuses an email without a message, unknown placeholders and control characters, at their fields", async () => {
    const cadenceId = await newCadence();
    expect(await saveCadenceStep(admin, { cadenceId, ...email(1, { body: "   " }) })).toMatchObject({ kind: "invalid", fields: { body: expect.stringContaining("Write the email's message") } });
    expect(await saveCadenceStep(admin, { cadenceId, ...email(1, { body: "Dear {{acount_name}}" }) })).toMatchObject({ kind: "invalid", fields: { body: expect.stringContaining("Unknown placeholder {{acount_name}}") } });
    expect(await saveCadenceStep(admin, { cadenceId, ...email(1, { subject: "Pay \u202Enow" }) })).toMatchObject({ kind: "invalid", fields: { subject: expect.stringContaining("control characters") } });
    expect(await saveCadenceStep(admin, { cadenceId, ...email(1, { channel: "sms" }) })).toMatchObject({ kind: "invalid", fields: { channel: "Choose email or call task." } });
    expect(await saveCadenceStep(admin, { cadenceId: "cad_missing", ...email(1) })).toMatchObject({ kind: "not_found" });
    expect(await db.select().from(cadenceSteps).where(eq(cadenceSteps.cadenceId, cadenceId))).toEqual([]);
  });
});

describe("the preview", () => {
  it("renders a step's email for a real account: its open invoices, amounts due and placeholders filled", async () => {
    const data = await testData();
    const account = await data.account({ name: "Preview Traders" });
    const [late, soon] = await data.invoices(account, [
      { total: 1_200_00, dueInDays: -10 },
      { total: 300_00, dueInDays: 5 },
    ]);
    await data.invoice(account, { total: 50_00, status: "paid" });
    const cadenceId = await newCadence();
    const step = ok(await saveCadenceStep(admin, { cadenceId, ...email(7, { subject: "{{account_name}}: {{total_due}} due", body: "{{invoice_count}} invoices, up to {{days_late}} days late." }) }));
    const preview = ok(await previewReminder(agent, { cadenceId, stepId: step.stepId, accountId: account.id }));
    expect(preview.subject).toBe(`Preview Traders: ${formatMoney(1_500_00, "USD")} due`);
    expect(preview.text).toContain("2 invoices, up to 10 days late.");
    expect(preview.text).toContain(`Invoice ${late!.number}`);
    expect(preview.text).toContain(`Invoice ${soon!.number}`);
    expect(preview.to).toBe(account.billingEmail);
    expect(await previewReminder(admin, { cadenceId, stepId: step.stepId, accountId: "acc_missing" })).toMatchObject({ kind: "not_found" });

    // A draft as typed in the step form: rendered the same way, nothing saved.
    const draft = ok(await previewReminder(admin, { cadenceId, accountId: account.id, draft: { offsetDays: 7, channel: "email", subject: "Draft for {{account_name}} ({{invoice_count}})", body: "Hello" } }));
    expect(draft.subject).toBe("Draft for Preview Traders (2)");
    expect((await db.select().from(cadenceSteps).where(eq(cadenceSteps.cadenceId, cadenceId))).map((s) => s.subject)).toEqual(["{{account_name}}: {{total_due}} due"]);
  });
});

describe("segments", () => {
  it("creates, renames (the accounts follow) and deletes a segment; names are unique in any case; agents may only look", async () => {
    const data = await testData();
    const account = await data.account();
    const cadenceId = await newCadence();
    const name = uniqueName("Enterprise");
    expect(await saveSegment(agent, { name, cadenceId })).toMatchObject({ kind: "forbidden" });
    ok(await saveSegment(admin, { name, cadenceId: null }));
    expect(await saveSegment(admin, { name: name.toLowerCase(), cadenceId: null })).toMatchObject({ kind: "conflict", fields: { name: expect.stringContaining("already exists") } });
    expect(await saveSegment(admin, { name: uniqueName("Other"), cadenceId: "cad_missing" })).toMatchObject({ kind: "invalid", fields: { cadenceId: expect.any(String) } });
    await db.insert(collectionProfiles).values({ accountId: account.id, segment: name });

    const renamed = `${name} (renamed)`;
    ok(await saveSegment(admin, { segment: name, name: renamed, cadenceId }));
    expect((await db.select().from(collectionProfiles).where(eq(collectionProfiles.accountId, account.id)))[0]!.segment).toBe(renamed);
    expect(ok(await listSegments(agent)).find((s) => s.name === renamed)).toMatchObject({ cadenceId, accounts: 1 });

    expect(await deleteSegment(agent, { segment: renamed })).toMatchObject({ kind: "forbidden" });
    expect(ok(await deleteSegment(admin, { segment: renamed }))).toEqual({ name: renamed, accounts: 1 });
    expect(await db.select().from(segments).where(eq(segments.name, renamed))).toEqual([]);
    expect((await db.select().from(collectionProfiles).where(eq(collectionProfiles.accountId, account.id)))[0]!.segment).toBeNull();
  });
});

describe("collection rules", () => {
  it("are saved by an admin within their limits, refused to an agent", async () => {
    expect(await updateCollectionRules(agent, { promiseMaxDays: 20, promiseGraceDays: 1, payLinkDays: 10 })).toMatchObject({ kind: "forbidden" });
    expect(await db.select().from(collectionPolicies)).toEqual([]);
    expect(await updateCollectionRules(admin, { promiseMaxDays: 0, promiseGraceDays: 61, payLinkDays: 10 })).toMatchObject({ kind: "invalid", fields: { promiseMaxDays: expect.any(String), promiseGraceDays: expect.any(String) } });
    ok(await updateCollectionRules(admin, { promiseMaxDays: 20, promiseGraceDays: 1, payLinkDays: 10 }));
    expect(await getCollectionRules()).toEqual({ promiseMaxDays: 20, promiseGraceDays: 1, payLinkDays: 10 });
    expect((await db.select().from(auditLog).where(eq(auditLog.action, "collection_policy.updated")))[0]).toMatchObject({ actorUserId: admin.userId, data: { before: { promiseMaxDays: 30 }, after: { promiseMaxDays: 20 } } });
  });
});
