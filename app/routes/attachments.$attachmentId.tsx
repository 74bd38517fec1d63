import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePayer } from "~/modules/auth/session.server";
import { getAttachment } from "~/modules/disputes/get-attachment.server";
import { contentDisposition } from "~/modules/storage/upload-policy";

// Dispute evidence: only to the dispute's account, always as a download, never cached.
// (X-Content-Type-Options: nosniff is on every response, from server/http.ts.)
export async function loader({ request, params }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
  const file = await getAttachment({ kind: "payer", userId: payer.user.id }, params.attachmentId ?? "");
  if (!file) throw new Response("Not found", { status: 404 });
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": contentDisposition(file.filename),
      "Cache-Control": "private, no-store",
    },
  });
}
