import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff } from "~/modules/auth/session.server";
import { getAttachment } from "~/modules/disputes/get-attachment.server";
import { contentDisposition } from "~/modules/storage/upload-policy";

// Dispute evidence for the AR team (internal notes' files included): always a download, never
// shown inline, sniffed or cached.
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request);
  const file = await getAttachment({ kind: "staff" }, params.attachmentId ?? "");
  if (!file) throw new Response("Not found", { status: 404 });
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": contentDisposition(file.filename),
      "Cache-Control": "private, no-store",
    },
  });
}
