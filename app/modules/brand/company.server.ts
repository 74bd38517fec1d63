import { readFile } from "node:fs/promises";
import { env } from "~/env.server";
import { isProblem, notFound, type Problem } from "~/utils/problem";

/** Who is asking for money: the company's name and optional logo, as payers see them everywhere. */
export interface Brand {
  companyName: string;
  /** Same-origin URL of the logo (CSP `img-src 'self'`), or null when no logo is configured. */
  logoUrl: string | null;
}

export const LOGO_PATH = "/brand/logo";

export function brand(): Brand {
  return { companyName: env().COMPANY_NAME, logoUrl: env().COMPANY_LOGO_PATH ? LOGO_PATH : null };
}

let cachedLogo: { path: string; bytes: Buffer } | undefined;

/** The logo file's bytes (read once; the file is checked at boot); not_found without a logo. */
export async function companyLogo(): Promise<{ bytes: Buffer; contentType: string } | Problem> {
  const path = env().COMPANY_LOGO_PATH;
  if (!path) return notFound("No logo is configured.");
  if (cachedLogo?.path !== path) cachedLogo = { path, bytes: await readFile(path) };
  return { bytes: cachedLogo.bytes, contentType: /\.png$/i.test(path) ? "image/png" : "image/jpeg" };
}

/** The issuer printed on PDFs: the name, and the logo when there is one. */
export async function companyIssuer(): Promise<{ name: string; logo: Buffer | null }> {
  const logo = await companyLogo();
  return { name: env().COMPANY_NAME, logo: isProblem(logo) ? null : logo.bytes };
}
