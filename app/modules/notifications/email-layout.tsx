import { Body, Button, Head, Html, Link, Text } from "@react-email/components";
import { Fragment, type ReactElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";

/**
 * The one layout every email is rendered in (react-email components; ADR "email components"):
 * the company's name on top, the body, and a foot saying why this addressee got this email.
 * React escapes every text and attribute, so names, invoice numbers and notes arrive as text.
 */

/** Why the addressee gets a kind of email: said at its foot, so each one says its own reason. */
export type EmailReason = "sign-in" | "payment" | "refund" | "dispute" | "plan" | "ar-admin" | "reminder" | "collector";

export function footer(reason: EmailReason, company: string): string {
  const portal = `the ${company} payment portal`;
  switch (reason) {
    case "sign-in":
      return `You received this email because someone asked to sign in to ${portal} with this address.`;
    case "payment":
      return `You received this email because you made a payment in ${portal}.`;
    case "refund":
      return `You received this email because ${company} refunded a payment you made in ${portal}.`;
    case "dispute":
      return `You received this email because you disputed an invoice of your account in ${portal}.`;
    case "plan":
      return `You received this email because you set up a payment plan in ${portal}.`;
    case "ar-admin":
      return `You received this email because you are an accounts receivable administrator of ${portal}.`;
    case "reminder":
      return `You received this email because ${company} has this address as a billing contact of your account. Reply to this email if reminders should go to someone else.`;
    case "collector":
      return `You received this email because you are the collector of this account in ${portal}.`;
  }
}

/** The plain-text part's foot, under a signature separator. */
export const textFooter = (reason: EmailReason, company: string) => `\n\n-- \n${footer(reason, company)}`;

const text = { fontSize: "14px", lineHeight: "20px", margin: "0 0 14px" };

export function EmailLayout({ title, company, reason, children }: { title: string; company: string; reason: EmailReason; children: ReactNode }) {
  return (
    <Html lang="en">
      <Head>
        <title>{title}</title>
      </Head>
      <Body style={{ fontFamily: "Arial,sans-serif", color: "#111", maxWidth: "560px", margin: "0 auto", padding: "24px" }}>
        <Text style={{ ...text, fontWeight: "bold" }}>{company}</Text>
        {children}
        <Text style={{ ...text, color: "#555", fontSize: "12px", marginTop: "32px" }}>{footer(reason, company)}</Text>
      </Body>
    </Html>
  );
}

/** A paragraph of plain text; its line breaks (a schedule, a staff note) stay line breaks. */
export function Paragraph({ children, strong = false }: { children: string; strong?: boolean }) {
  const lines = children.split("\n");
  return (
    <Text style={{ ...text, ...(strong ? { fontWeight: "bold" } : {}) }}>
      {lines.map((line, i) => (
        <Fragment key={i}>
          {i > 0 ? <br /> : null}
          {line}
        </Fragment>
      ))}
    </Text>
  );
}

export const Greeting = ({ name }: { name: string }) => <Paragraph>{`Hello ${name},`}</Paragraph>;

/** A link on its own line (where to follow up in the portal or in Stripe). */
export function ActionLink({ href, children }: { href: string; children: string }) {
  return (
    <Text style={text}>
      <Link href={href} style={{ color: "#1d4ed8", textDecoration: "underline" }}>
        {children}
      </Link>
    </Text>
  );
}

/** The one call to action that matters most (sign in): a button-shaped link. */
export function PrimaryButton({ href, children }: { href: string; children: string }) {
  return (
    <Text style={text}>
      <Button href={href} style={{ display: "inline-block", background: "#1d4ed8", color: "#fff", padding: "10px 16px", borderRadius: "6px", textDecoration: "none" }}>
        {children}
      </Button>
    </Text>
  );
}

/**
 * An email component as the HTML part. Synchronous on purpose: the builders run inside the
 * callers' transactions (queueEmail) and stay plain functions; @react-email/render is async.
 */
export function renderEmail(email: ReactElement): string {
  return `<!doctype html>${renderToStaticMarkup(email)}`;
}
