import type { Request, Response } from "express";
import { describe, expect, it } from "vitest";
import { securityHeaders } from "../../../server/http";
import { accountContacts, accounts, users } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { loader as emailLoader } from "~/routes/dev.emails.$name";
import { loader as listLoader } from "~/routes/dev.emails._index";
import { EMAIL_TEMPLATES } from "./email-previews.server";

const list = async () => (await (await listLoader()).json()) as { source: string; accountName: string; emails: Array<{ name: string; subject: string; to: string; text: string }> };
const open = (name: string) => emailLoader({ params: { name }, request: new Request(`http://localhost:3999/dev/emails/${name}`), context: {} } as never);
const status = (p: Promise<unknown>) => p.then(() => 200, (e: unknown) => (e instanceof Response ? e.status : Promise.reject(e)));

describe("/dev/emails", () => {
  it("lists every template, with sample facts while the database has no payer with open invoices", async () => {
    const page = await list();
    expect(page.source).toBe("sample");
    expect(page.emails.map((e) => e.name)).toEqual(Object.keys(EMAIL_TEMPLATES));
    expect(page.emails.length).toBeGreaterThanOrEqual(21);
    const receipt = page.emails.find((e) => e.name === "payment-receipt")!;
    expect(receipt.subject).toBe("Payment received: USD 1,730.50");
    expect(receipt.text).toContain("INV-20417: USD 1,250.00");
  });

  it("fills them with a real payer, account and invoice when there is one", async () => {
    const [account] = await db.insert(accounts).values({ number: "C-PREVIEW", name: "Preview Hardware Ltd" }).returning();
    const [payer] = await db.insert(users).values({ email: "robin@preview-hardware.example", name: "Robin Preview" }).returning();
    await db.insert(accountContacts).values({ accountId: account!.id, userId: payer!.id });
    await db.insert(invoices).values({ accountId: account!.id, number: "PV-0042", currency: "EUR", issueDate: "2026-11-01", dueDate: "2026-12-01", terms: "Net 30", subtotal: 98_765, total: 98_765 });

    const page = await list();
    expect(page.source).toBe("database");
    expect(page.accountName).toBe("Preview Hardware Ltd");
    const receipt = page.emails.find((e) => e.name === "payment-receipt")!;
    expect(receipt.to).toBe("robin@preview-hardware.example");
    expect(receipt.text).toContain("Hello Robin Preview,");
    expect(receipt.text).toContain("PV-0042: EUR 987.65");
    expect(page.emails.find((e) => e.name === "dispute-received")!.subject).toBe("We received your dispute of invoice PV-0042");

    // One email's HTML part, as a mail client gets it.
    const res = await open("plan-active");
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html><html/);
    expect(html).toContain("Hello Robin Preview,");
    expect(html).toContain("Your payment plan for EUR 987.65 is active.");
    expect(html).toContain(`>${env().COMPANY_NAME}</p>`);
  });

  it("answers 404 for a name that is no template", async () => {
    expect(await status(open("no-such-email"))).toBe(404);
    expect(await status(open("constructor"))).toBe(404);
  });

  it("does not exist in production", async () => {
    const config = env();
    const was = config.NODE_ENV;
    config.NODE_ENV = "production";
    try {
      expect(await status(listLoader())).toBe(404);
      expect(await status(open("sign-in"))).toBe(404);
    } finally {
      config.NODE_ENV = was;
    }
  });
});

describe("the preview's CSP", () => {
  const styleSrc = (production: boolean, path: string) => {
    const headers = new Map<string, string>();
    const res = { locals: {}, setHeader: (name: string, value: string) => headers.set(name, value) } as unknown as Response;
    securityHeaders({ production })({ path } as Request, res, () => {});
    return headers.get("Content-Security-Policy")!.split("; ").find((d) => d.startsWith("style-src"));
  };

  it("lets one email's inline styles apply outside production, and nothing else", () => {
    expect(styleSrc(false, "/dev/emails/payment-receipt")).toBe("style-src 'self' 'unsafe-inline'");
    expect(styleSrc(false, "/dev/emails")).toBe("style-src 'self'");
    expect(styleSrc(false, "/invoices")).toBe("style-src 'self'");
    expect(styleSrc(true, "/dev/emails/payment-receipt")).toBe("style-src 'self'");
  });
});
