import { invariantResponse } from "@epic-web/invariant";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { emailPreviewsEnabled, previewFacts, renderPreview } from "~/modules/notifications/email-previews.server";

/** One email's HTML part, served as the whole document a mail client would show (development only). */
export async function loader({ params }: LoaderFunctionArgs) {
  invariantResponse(emailPreviewsEnabled(), "Not found", { status: 404 });
  const email = renderPreview(params.name ?? "", await previewFacts());
  invariantResponse(email?.html, "No email template has this name.", { status: 404 });
  return new Response(email.html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}
