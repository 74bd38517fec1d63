import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Account } from "#db/schema/accounts";
import type { Invoice } from "#db/schema/invoices";
import type { StaffActor } from "~/modules/auth/actor";
import { setClock } from "~/utils/clock";
import { TEST_TODAY, testData } from "../../../test/helpers";
import { invoiceSearchQuery, isNumberLike, searchInvoices } from "./search-invoices.server";

let staff: StaffActor;
let acme: Account;
/** Numbers that share a start: SRCH-<run>-0001…0003, and SRCH-<run>-00010 whose number starts with the first one's. */
let made: Invoice[];
let run: string;
let make: Awaited<ReturnType<typeof testData>>;

const search = (q: Record<string, string>) => searchInvoices(staff, invoiceSearchQuery.parse({ filter: "all", ...q }));
const numbers = (list: { rows: { number: string }[] }) => list.rows.map((r) => r.number).sort();

beforeAll(async () => {
  setClock(() => new Date(`${TEST_TODAY}T12:00:00Z`));
  make = await testData();
  staff = { kind: "staff", userId: (await make.staff()).id, role: "ar_agent", ip: null };
  run = String(Date.now() % 1_000_000).padStart(6, "0");
  acme = await make.account({ name: `Quillfeather Mills ${run}` });
  const other = await make.account({ name: `Other Customer ${run}` });
  made = await make.invoices(acme, [
    { number: `SRCH-${run}-0001`, total: 100_00, status: "paid" },
    { number: `SRCH-${run}-0002`, total: 200_00, dueInDays: 10, poNumber: `PO-${run}-77` },
    { number: `SRCH-${run}-0003`, total: 300_00, dueInDays: 20 },
    { number: `SRCH-${run}-00010`, total: 400_00, dueInDays: 30 },
  ]);
  await make.invoices(other, [{ number: `ZZ-${run}-1`, total: 50_00, dueInDays: 5, poNumber: `X${run}SRCH-${run}-0001` }]);
});
afterAll(() => setClock(undefined));

describe("staff invoice search", () => {
  it("shows the one invoice whose number is the term, even a paid one under the Open filter, and in any case", async () => {
    const first = made[0]!;
    for (const q of [first.number, first.number.toLowerCase()]) {
      const list = await search({ q, filter: "open" });
      expect(list.match).toBe("exact");
      expect(list.rows.map((r) => r.id)).toEqual([first.id]);
      expect(list.total).toBe(1);
    }
  });

  it("finds numbers and POs by their start, with the filter and sort kept", async () => {
    const all = await search({ q: `SRCH-${run}-000` });
    expect(all.match).toBe("prefix");
    expect(numbers(all)).toEqual([`SRCH-${run}-0001`, `SRCH-${run}-0002`, `SRCH-${run}-0003`, `SRCH-${run}-00010`].sort());
    // The other customer's PO contains the term but does not start with it.
    expect(all.rows.every((r) => r.accountId === acme.id)).toBe(true);

    const open = await search({ q: `SRCH-${run}-000`, filter: "open", sort: "total", dir: "desc" });
    expect(open.rows.map((r) => r.number)).toEqual([`SRCH-${run}-00010`, `SRCH-${run}-0003`, `SRCH-${run}-0002`]);
    expect(open.total).toBe(3);

    expect(numbers(await search({ q: `po-${run}` }))).toEqual([`SRCH-${run}-0002`]);
    // LIKE's wildcards in the term are plain characters.
    expect((await search({ q: `SRCH-${run}-00_1` })).total).toBe(0);
  });

  it("finds a customer's invoices by a part of its name", async () => {
    const list = await search({ q: `feather mills ${run}` });
    expect(list.namesSearched).toBe(true);
    expect(numbers(list)).toEqual(made.map((i) => i.number).sort());
  });

  it("looks inside numbers, POs and names only when asked to search everywhere", async () => {
    const inside = `${run}SRCH-${run}-0001`;
    const fast = await search({ q: inside });
    expect(fast.match).toBe("prefix");
    expect(fast.total).toBe(0);
    const everywhere = await search({ q: inside, match: "contains" });
    expect(everywhere.match).toBe("contains");
    expect(numbers(everywhere)).toEqual([`ZZ-${run}-1`]);
  });

  it("does not look in customer names for a number-like term", async () => {
    for (const term of ["000123", "INV-000123", "PO 4471", "2024/0001"]) expect(isNumberLike(term), term).toBe(true);
    for (const term of ["3M", "Acme", "Studio 54 Ltd", "Northwind Traders"]) expect(isNumberLike(term), term).toBe(false);
    // A customer whose name looks like a number (rare, but it happens) is found by "search everywhere".
    const numbered = await make.account({ name: `${run}99` });
    await make.invoices(numbered, [{ number: `NL-${run}`, total: 10_00, dueInDays: 3 }]);
    expect((await search({ q: numbered.name })).total).toBe(0);
    expect((await search({ q: numbered.name, match: "contains" })).total).toBe(1);
  });
});
