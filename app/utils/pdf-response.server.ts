/** A PDF download: private, never cached, named safely (RFC 6266). */
export function pdfResponse(body: Buffer, filename: string): Response {
  const safe = filename.replace(/[^\w.-]+/g, "_");
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${safe}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
