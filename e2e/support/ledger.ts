import type { InvoiceSpec } from "../../test/factories";
import { data, tag } from "./fixtures";

/**
 * A payer of two accounts with a realistic history, made for one spec: a USD account with 40
 * invoices (open, overdue, one long overdue with a PO and a SKU, partly paid, paid, void; 22 of
 * them open, so they fit on one page of 25) and a CAD account with a few open ones. Names sort
 * USD first, the account a payer of several lands on.
 */
export async function payerWithHistory() {
  const t = tag();
  const usd = await data.account({ name: `Alder ${t} Traders` });
  const cad = await data.account({ name: `Alder ${t} Traders Canada`, currency: "CAD" });
  const { user } = await data.payer({ accounts: [usd, cad], name: `Pat Alder ${t}` });
  const specs: InvoiceSpec[] = [
    // The long overdue one the specs open.
    { total: 1_250_00, dueInDays: -120, sku: `SKU-${t}` },
    ...Array.from({ length: 7 }, (_, i): InvoiceSpec => ({ total: 210_00 + i * 97_15, dueInDays: -5 - i * 11 })),
    { total: 980_00, paid: 300_00, dueInDays: -40 },
    { total: 455_50, paid: 55_50, dueInDays: -12 },
    ...Array.from({ length: 12 }, (_, i): InvoiceSpec => ({ total: 120_00 + i * 63_40, dueInDays: 5 + i * 3 })),
    ...Array.from({ length: 15 }, (_, i): InvoiceSpec => ({ total: 300_00 + i * 41_10, dueInDays: -150 + i * 7, status: "paid" })),
    ...Array.from({ length: 3 }, (_, i): InvoiceSpec => ({ total: 75_00 + i * 10_00, dueInDays: -60 + i * 5, status: "void" })),
  ];
  const invoices = await data.invoices(usd, specs);
  const cadInvoices = await data.invoices(cad, [{ total: 640_00, dueInDays: 14 }, { total: 1_920_00, dueInDays: -3 }, { total: 288_00, dueInDays: 30 }]);
  return { user, usd, cad, invoices, cadInvoices, longOverdue: invoices[0]! };
}

/** A payer of another customer (one account, a few invoices), for tenant-isolation checks. */
export async function otherCustomer() {
  const account = await data.account({ name: `Other Customer ${tag()}` });
  const { user } = await data.payer({ accounts: [account] });
  const invoices = await data.invoices(account, [{ total: 500_00, dueInDays: 10 }, { total: 700_00, status: "paid", dueInDays: -20 }]);
  return { user, account, invoices };
}
