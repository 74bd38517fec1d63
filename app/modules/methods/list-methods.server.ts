import { and, asc, desc, isNull } from "drizzle-orm";
import { savedPaymentMethods } from "#db/schema/payments";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { inReadersAccount } from "~/modules/invoices/scope.server";
import { today } from "~/utils/clock";
import { forbidden, type Problem } from "~/utils/problem";
import { cardExpiry, type ExpiryState } from "./method-details";
import { methodUses, type MethodUses } from "./method-uses.server";

export interface SavedMethodView {
  id: string;
  type: "card" | "us_bank_account";
  label: string;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  expiry: ExpiryState | null;
  isDefault: boolean;
  accountHolderType: string | null;
  verification: "verified" | "pending" | "failed";
  mandateText: string | null;
  mandateAcceptedAt: string | null;
  createdAt: string;
  uses: MethodUses;
}

/** An account's saved methods (not removed), the default first, each with what charges it. Payers see their own accounts'; staff any. */
export async function listMethods(actor: Actor, input: { accountId: string }): Promise<SavedMethodView[] | Problem> {
  if (actor.kind !== "payer" && actor.kind !== "staff") return forbidden("Only the account's payers and the AR team see its saved payment methods.");
  const rows = await db
    .select()
    .from(savedPaymentMethods)
    .where(and(inReadersAccount(actor, savedPaymentMethods.accountId, input.accountId), isNull(savedPaymentMethods.removedAt)))
    .orderBy(desc(savedPaymentMethods.isDefault), asc(savedPaymentMethods.createdAt), asc(savedPaymentMethods.id));
  const uses = await methodUses(db, input.accountId, rows);
  const on = today();
  return rows.map((m) => ({
    id: m.id,
    type: m.type,
    label: m.label,
    brand: m.brand,
    last4: m.last4,
    expMonth: m.expMonth,
    expYear: m.expYear,
    expiry: m.type === "card" ? cardExpiry(m.expMonth, m.expYear, on) : null,
    isDefault: m.isDefault,
    accountHolderType: m.accountHolderType,
    verification: m.verification,
    mandateText: m.mandateText,
    mandateAcceptedAt: m.mandateAcceptedAt?.toISOString() ?? null,
    createdAt: m.createdAt.toISOString(),
    uses: uses.get(m.id) ?? { plans: [], autopay: [] },
  }));
}
