import { z } from "zod";
import { lateFeeKinds, type LateFeeKind } from "#db/schema/terms";
import { amountInputValue, parseAmount } from "~/utils/money";

/**
 * The late-fee forms: the default policy (/admin/collections/late-fees) and a customer's late
 * fees (their admin page: the contract flag and an optional policy of their own). Fields are
 * typed strings, read by one transform that reports each mistake at its field, so what was
 * typed comes back unchanged. Pure: the use cases check the policy again with `lateFeePolicySchema`.
 */

/** Fixed fees and caps are typed and shown in this currency's digits and applied to the invoice's currency as is. */
export const LATE_FEE_CURRENCY = "USD";
const MAX_AMOUNT = 1_000_000_00;

/** A policy as saved (minor units, basis points). */
export interface LateFeePolicyInput {
  enabled: boolean;
  kind: LateFeeKind;
  rateBps: number | null;
  fixedAmount: number | null;
  graceDays: number;
  capPerInvoice: number | null;
  capPerAccount: number | null;
}

export const lateFeePolicySchema = z
  .object({
    enabled: z.boolean(),
    kind: z.enum(lateFeeKinds),
    rateBps: z.int().min(1).max(10_000).nullable(),
    fixedAmount: z.int().min(1).max(MAX_AMOUNT).nullable(),
    graceDays: z.int().min(0).max(365),
    capPerInvoice: z.int().min(1).max(MAX_AMOUNT).nullable(),
    capPerAccount: z.int().min(1).max(MAX_AMOUNT).nullable(),
  })
  .refine((p) => (p.kind === "percent" ? p.rateBps !== null && p.fixedAmount === null : p.fixedAmount !== null && p.rateBps === null), "A percent policy has a rate; a fixed one an amount.");

const help = {
  kind: "Choose a percent of the overdue balance or a fixed amount.",
  rate: "Enter the monthly rate as a percent from 0.01 to 100 with at most 2 decimals, like 1.5.",
  fixedAmount: "Enter the fee per period in dollars, like 25.00 (at most 1,000,000.00).",
  graceDays: "Enter the grace as a whole number of days from 0 to 365, like 15.",
  capPerInvoice: "Enter the most fees one invoice can carry in dollars, like 100.00, or leave it empty for no cap.",
  capPerAccount: "Enter the most unpaid fees one customer can owe in dollars, like 500.00, or leave it empty for no cap.",
  checkbox: "Tick the box, or leave it empty.",
} as const;

/** "1.5" → 150 basis points; null when it is not a rate from 0.01 to 100 with 2 decimals at most. */
export function parseRate(typed: string): number | null {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(typed.trim().replace(/\s*%$/, ""));
  if (!match) return null;
  const bps = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return bps >= 1 && bps <= 10_000 ? bps : null;
}

const typed = z.string().max(100, "Keep it under 100 characters.").optional();
const checkbox = z.literal("on", { error: help.checkbox }).optional();

type PolicyNames = { kind: string; rate: string; fixedAmount: string; graceDays: string; capPerInvoice: string; capPerAccount: string };
type Ctx = z.RefinementCtx;

/**
 * Reads the typed policy fields (named by `names`) into a policy, or adds an issue at each field
 * that does not read. `required` false (a customer on the default policy): the fields may be
 * empty, but what is typed must still read.
 */
function readPolicy(form: Record<string, string | undefined>, names: PolicyNames, ctx: Ctx, required: boolean): Omit<LateFeePolicyInput, "enabled"> | null {
  let ok = true;
  const fail = (field: string, message: string) => {
    ctx.addIssue({ code: "custom", message, path: [field] });
    ok = false;
  };
  const value = (field: string) => (form[field] ?? "").trim();
  const money = (field: string, message: string, needed: boolean): number | null => {
    const text = value(field);
    if (text === "") {
      if (needed) fail(field, message);
      return null;
    }
    const amount = parseAmount(text, LATE_FEE_CURRENCY);
    if (amount === null || amount < 1 || amount > MAX_AMOUNT) fail(field, message);
    return amount;
  };

  const kindText = value(names.kind);
  const kind = (lateFeeKinds as readonly string[]).includes(kindText) ? (kindText as LateFeeKind) : null;
  if (kind === null && (required || kindText !== "")) fail(names.kind, help.kind);

  const rateText = value(names.rate);
  const rateBps = rateText === "" ? null : parseRate(rateText);
  if ((rateText !== "" && rateBps === null) || (required && kind === "percent" && rateText === "")) fail(names.rate, help.rate);

  const fixedAmount = money(names.fixedAmount, help.fixedAmount, required && kind === "fixed");
  const graceText = value(names.graceDays);
  const graceDays = /^\d{1,3}$/.test(graceText) && Number(graceText) <= 365 ? Number(graceText) : null;
  if ((graceText !== "" && graceDays === null) || (required && graceText === "")) fail(names.graceDays, help.graceDays);
  const capPerInvoice = money(names.capPerInvoice, help.capPerInvoice, false);
  const capPerAccount = money(names.capPerAccount, help.capPerAccount, false);

  if (!ok || !required || kind === null || graceDays === null) return null;
  return {
    kind,
    rateBps: kind === "percent" ? rateBps : null,
    fixedAmount: kind === "fixed" ? fixedAmount : null,
    graceDays,
    capPerInvoice,
    capPerAccount,
  };
}

const defaultNames: PolicyNames = { kind: "kind", rate: "rate", fixedAmount: "fixedAmount", graceDays: "graceDays", capPerInvoice: "capPerInvoice", capPerAccount: "capPerAccount" };

/** The default policy's form (/admin/collections/late-fees). */
export const defaultLateFeePolicyForm = z
  .object({ enabled: checkbox, kind: typed, rate: typed, fixedAmount: typed, graceDays: typed, capPerInvoice: typed, capPerAccount: typed })
  .transform((form, ctx): LateFeePolicyInput => {
    const policy = readPolicy(form, defaultNames, ctx, true);
    return policy ? { enabled: form.enabled === "on", ...policy } : (z.NEVER as never);
  });

export const accountFeeNames: PolicyNames = {
  kind: "feeKind",
  rate: "feeRate",
  fixedAmount: "feeFixedAmount",
  graceDays: "feeGraceDays",
  capPerInvoice: "feeCapPerInvoice",
  capPerAccount: "feeCapPerAccount",
};

/** A customer's late fees, as a form of their admin page (intent "late_fees"). */
export const accountLateFeesFields = {
  intent: z.literal("late_fees"),
  lateFeesAllowed: checkbox,
  feePolicy: z.enum(["default", "own"], { error: "Choose the default policy or one of the customer's own." }),
  feeKind: typed,
  feeRate: typed,
  feeFixedAmount: typed,
  feeGraceDays: typed,
  feeCapPerInvoice: typed,
  feeCapPerAccount: typed,
};

export interface AccountLateFeesInput {
  intent: "late_fees";
  allowed: boolean;
  /** The customer's own policy, or null to follow the default. */
  own: Omit<LateFeePolicyInput, "enabled"> | null;
}

export const accountLateFeesForm = z.object(accountLateFeesFields).transform((form, ctx): AccountLateFeesInput => {
  const own = readPolicy(form, accountFeeNames, ctx, form.feePolicy === "own");
  if (form.feePolicy === "own" && own === null) return z.NEVER as never;
  return { intent: "late_fees", allowed: form.lateFeesAllowed === "on", own: form.feePolicy === "own" ? own : null };
});

/** The typed form of a policy (an empty policy: 1.5 % after 15 days, as the issue's example). */
export function lateFeePolicyFormValues(policy: LateFeePolicyInput | null) {
  const p = policy ?? { enabled: false, kind: "percent" as const, rateBps: 150, fixedAmount: null, graceDays: 15, capPerInvoice: null, capPerAccount: null };
  const money = (minor: number | null) => (minor === null ? "" : amountInputValue(minor, LATE_FEE_CURRENCY));
  return {
    ...(p.enabled ? { enabled: "on" as const } : {}),
    kind: p.kind,
    rate: p.rateBps === null ? "" : String(p.rateBps / 100),
    fixedAmount: money(p.fixedAmount),
    graceDays: String(p.graceDays),
    capPerInvoice: money(p.capPerInvoice),
    capPerAccount: money(p.capPerAccount),
  };
}

/** The customer form's typed values: their flag and their own policy (or the default's, to start one from). */
export type AccountLateFeesFormValues = {
  lateFeesAllowed?: "on";
  feePolicy: string;
  feeKind: string;
  feeRate: string;
  feeFixedAmount: string;
  feeGraceDays: string;
  feeCapPerInvoice: string;
  feeCapPerAccount: string;
};

export function accountLateFeesFormValues(allowed: boolean, own: LateFeePolicyInput | null, fallback: LateFeePolicyInput | null): AccountLateFeesFormValues {
  const v = lateFeePolicyFormValues(own ?? (fallback ? { ...fallback, enabled: true } : null));
  return {
    ...(allowed ? { lateFeesAllowed: "on" as const } : {}),
    feePolicy: own ? "own" : "default",
    feeKind: v.kind,
    feeRate: v.rate,
    feeFixedAmount: v.fixedAmount,
    feeGraceDays: v.graceDays,
    feeCapPerInvoice: v.capPerInvoice,
    feeCapPerAccount: v.capPerAccount,
  };
}
