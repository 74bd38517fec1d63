import { and, count, inArray, like, or, sql } from "drizzle-orm";
import { z } from "zod";
import { accounts } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { today } from "~/utils/clock";
import { containsPattern, prefixPattern } from "~/utils/like-pattern";
import { effectiveSort, filterCondition, invoiceListQuery, invoiceRowsPage, listInvoices, PAGE_SIZE, type InvoiceList } from "./list-invoices.server";
import { accountInvoicesScope, invoiceScope } from "./scope.server";

/**
 * How the staff search matched:
 * - "exact": the term is an invoice number as written (or in capitals): that invoice alone, whatever the filter;
 * - "prefix": numbers and POs starting with the term, and for a name-like term customers whose name contains it;
 * - "contains": the term anywhere in number, PO or customer name — the slow scan, only when asked for.
 */
export type SearchMatch = "exact" | "prefix" | "contains";

/** The admin list's parameters: the invoice list's, and `match=contains` for the explicit "search everywhere". */
export const invoiceSearchQuery = invoiceListQuery.extend({ match: z.enum(["contains"]).optional().catch(undefined) });
export type InvoiceSearchQuery = z.infer<typeof invoiceSearchQuery>;

/** The page of invoices, how the term matched, and whether customer names were searched (not for a number-like term). */
export type InvoiceSearch = InvoiceList & { match: SearchMatch | null; namesSearched: boolean };

/**
 * Looks like an invoice or PO number (digits, or letters then digits: "000123", "INV-000123",
 * "PO 4471"), not a customer's name. Such a term is not looked for in names: a name-contains
 * scan costs far more than it finds for it.
 */
export function isNumberLike(term: string): boolean {
  return /^([a-z]{1,10}[-#/ ]?)?\d[\d\-/. ]*$/i.test(term);
}

/**
 * Staff invoice search, cheapest first. At a million invoices "contains" on zero-padded numbers
 * makes trigram candidates of most rows (5 req/s); an exact number is one unique-index probe and
 * a prefix one b-tree range (`invoices_number_prefix_idx`), so "contains" runs only on request.
 * No term: the plain invoice list.
 */
export async function searchInvoices(scope: Actor, query: InvoiceSearchQuery): Promise<InvoiceSearch> {
  const accountId = query.account;
  if (!query.q) return { ...(await listInvoices(scope, { ...query, accountId })), match: null, namesSearched: false };
  if (query.match === "contains") return { ...(await listInvoices(scope, { ...query, accountId })), match: "contains", namesSearched: scope.kind !== "payer" };

  const term = query.q;
  const inScope = accountId ? accountInvoicesScope(scope, accountId) : invoiceScope(scope);
  const { sort, dir } = effectiveSort(query);
  const spellings = [...new Set([term, term.toUpperCase()])];

  // A clerk pasting a number wants that invoice, even when the filter (say "Open") would hide it.
  const exact = await invoiceRowsPage(and(inScope, inArray(invoices.number, spellings)), sort, dir, 0);
  if (exact.length > 0) return { rows: exact, total: exact.length, page: 1, pageCount: 1, sort, dir, match: "exact", namesSearched: false };

  const namesSearched = scope.kind !== "payer" && !isNumberLike(term);

  const where = and(
    inScope,
    filterCondition(query.filter, today()),
    or(
      ...spellings.map((s) => like(invoices.number, prefixPattern(s))),
      ...spellings.map((s) => like(invoices.poNumber, prefixPattern(s))),
      // As an array of ids (not a join condition) so Postgres can OR the index scans.
      namesSearched
        ? sql`${invoices.accountId} = any(array(select ${accounts.id} from ${accounts} where ${accounts.name} ilike ${containsPattern(term)}))`
        : undefined,
    ),
  );
  const [rows, [counted]] = await Promise.all([invoiceRowsPage(where, sort, dir, (query.page - 1) * PAGE_SIZE), db.select({ total: count() }).from(invoices).where(where)]);
  const total = counted?.total ?? 0;
  return { rows, total, page: query.page, pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)), sort, dir, match: "prefix", namesSearched };
}

