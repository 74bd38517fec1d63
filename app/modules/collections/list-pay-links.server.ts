import { desc, eq, inArray } from "drizzle-orm";
import { payLinks } from "#db/schema/collections";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { now } from "~/utils/clock";
import { forbidden, type Problem } from "~/utils/problem";

export type PayLinkStatus = "active" | "paid" | "expired" | "revoked";

export interface PayLinkRow {
  id: string;
  createdAt: string;
  expiresAt: string;
  status: PayLinkStatus;
  openCount: number;
  lastOpenedAt: string | null;
  revokedAt: string | null;
  invoices: Array<{ id: string; number: string; paid: boolean }>;
}

/**
 * An account's most recent pay links for AR staff (the customer page's panel): what each named,
 * when it expires, how often it was opened, and whether it still works — the same order of
 * reasons the link's page applies (revoked, expired, then paid).
 */
export async function listPayLinks(actor: Actor, input: { accountId: string; limit?: number }): Promise<PayLinkRow[] | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team sees pay links.");
  const links = await db
    .select()
    .from(payLinks)
    .where(eq(payLinks.accountId, input.accountId))
    .orderBy(desc(payLinks.createdAt))
    .limit(Math.min(Math.max(input.limit ?? 10, 1), 100));
  const ids = [...new Set(links.flatMap((l) => l.invoiceIds))];
  const named = ids.length
    ? await db.select({ id: invoices.id, number: invoices.number, status: invoices.status, balance: invoices.balance }).from(invoices).where(inArray(invoices.id, ids))
    : [];
  const at = now().getTime();
  return links.map((l) => {
    const linkInvoices = l.invoiceIds.flatMap((id) => named.filter((i) => i.id === id)).map((i) => ({ id: i.id, number: i.number, paid: i.status !== "open" || i.balance <= 0 }));
    const status: PayLinkStatus = l.revokedAt ? "revoked" : l.expiresAt.getTime() <= at ? "expired" : linkInvoices.every((i) => i.paid) ? "paid" : "active";
    return {
      id: l.id,
      createdAt: l.createdAt.toISOString(),
      expiresAt: l.expiresAt.toISOString(),
      status,
      openCount: l.openCount,
      lastOpenedAt: l.lastOpenedAt?.toISOString() ?? null,
      revokedAt: l.revokedAt?.toISOString() ?? null,
      invoices: linkInvoices,
    };
  });
}
