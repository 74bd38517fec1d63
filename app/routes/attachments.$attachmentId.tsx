import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePayerActor } from "~/modules/auth/session.server";
import { getAttachment } from "~/modules/disputes/get-attachment.server";
import { contentDisposition } from "~/modules/storage/upload-policy";
import { orThrow } from "~/utils/problem-response.server";

// Dispute evidence: only to the dispute's account, always as a download, never cached.
// (X-Content-Type-Options: nosniff is on every response, from server/http.ts.)
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requirePayerActor(request, context);
  const file = orThrow(await getAttachment(actor, params.attachmentId ?? ""));
  // Streamed from the storage as it arrives, never held whole in memory.
  return new Response(file.body, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": contentDisposition(file.filename),
      "Content-Length": String(file.size),
      "Cache-Control": "private, no-store",
    },
  });
}
