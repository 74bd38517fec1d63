import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStaffActor } from "~/modules/auth/session.server";
import { getAttachment } from "~/modules/disputes/get-attachment.server";
import { contentDisposition } from "~/modules/storage/upload-policy";
import { orThrow } from "~/utils/problem-response.server";

// Dispute evidence for the AR team (internal notes' files included): always a download, never
// shown inline, sniffed or cached.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
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
