import type { LoaderFunctionArgs } from "@remix-run/node";
import { companyLogo } from "~/modules/brand/company.server";
import { orThrow } from "~/utils/problem-response.server";

/** The company logo (COMPANY_LOGO_PATH), served same-origin so `img-src 'self'` allows it. Public: sign-in pages and emails show it. */
export async function loader(_args: LoaderFunctionArgs) {
  const logo = orThrow(await companyLogo());
  return new Response(new Uint8Array(logo.bytes), { headers: { "Content-Type": logo.contentType, "Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff" } });
}
