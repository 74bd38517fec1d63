import { z } from "zod";

/**
 * The sign-in forms' schemas (pure: the pages import them too). Conform reads an empty field as
 * missing, so each "Enter …" message is also the schema's message for a missing value.
 */
export const emailSchema = z
  .string({ error: "Enter your email address" })
  .trim()
  .min(1, "Enter your email address")
  .max(254, "That email address is too long")
  .email("Enter an email address like name@company.com")
  .transform((e) => e.toLowerCase());

/** Step 1: the email to send a link to; `website` is the honeypot people never see. */
export const requestLinkForm = z.object({ email: emailSchema, website: z.string().optional() });

/** Signing in with the code from the email (the email rides along as a hidden field). */
export const codeForm = z.object({
  email: emailSchema,
  code: z.string({ error: "Enter the code from the email" }).trim().min(1, "Enter the code from the email").max(20, "That code is too long"),
});

/** The magic link's POST: a token of plausible length (anything else is simply not valid). */
export const linkForm = z.object({ token: z.string().min(20).max(200) });

// Only our own paths: never an open redirect.
export const returnToPath = z
  .string()
  .regex(/^\/(?!\/)[\w\-/]*$/)
  .catch("/invoices");

/** The account chooser: which of the payer's accounts, and the page to go back to. */
export const switchAccountForm = z.object({ accountId: z.string().min(1).max(40), returnTo: returnToPath });
