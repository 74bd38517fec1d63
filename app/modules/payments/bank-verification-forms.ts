import { z } from "zod";

/** "0.32", ".32", "$0.32" or "32" (cents) → 32; anything else → null. Microdeposits are under $1. */
export function microdepositCents(raw: string): number | null {
  const text = raw.trim().replace(/^\$\s*/, "");
  if (/^\d{1,2}$/.test(text)) return Number(text) >= 1 ? Number(text) : null;
  const match = /^0?\.(\d{2})$/.exec(text);
  return match && Number(match[1]) >= 1 ? Number(match[1]) : null;
}

const AMOUNT_HELP = "Enter the deposit as it appears on your statement, like 0.32.";

/**
 * The payment (or plan) page's "Verify your bank account" form: the two deposit amounts, or the
 * 6-character code starting with SM that Stripe shows with a single deposit.
 */
export function verifyBankAccountSchema() {
  return z
    .object({
      intent: z.literal("verify_bank", { error: "Use the Verify button to verify your bank account." }),
      amount_1: z.string().trim().max(20).optional(),
      amount_2: z.string().trim().max(20).optional(),
      descriptor_code: z.string().trim().max(20).optional(),
    })
    .superRefine((form, ctx) => {
      if (form.descriptor_code) {
        if (!/^SM[A-Z0-9]{4}$/i.test(form.descriptor_code)) ctx.addIssue({ code: "custom", path: ["descriptor_code"], message: "The code has 6 characters and starts with SM, like SM11AA." });
        return;
      }
      if (!form.amount_1 && !form.amount_2) {
        ctx.addIssue({ code: "custom", path: ["amount_1"], message: "Enter the two deposit amounts, or the code starting with SM." });
        return;
      }
      for (const name of ["amount_1", "amount_2"] as const) {
        if (microdepositCents(form[name] ?? "") === null) ctx.addIssue({ code: "custom", path: [name], message: AMOUNT_HELP });
      }
    })
    .transform((form): { amounts: [number, number] } | { descriptorCode: string } =>
      form.descriptor_code ? { descriptorCode: form.descriptor_code.toUpperCase() } : { amounts: [microdepositCents(form.amount_1 ?? "")!, microdepositCents(form.amount_2 ?? "")!] },
    );
}
