import { formatBytes } from "~/modules/storage/upload-policy";
import { LocalTime } from "~/components/local-time";
import { formatDateTime } from "./admin-dispute-format";

export interface AdminThreadMessage {
  id: string;
  authorSide: "customer" | "staff" | "system";
  authorName: string | null;
  visibility: "customer" | "internal";
  kind: "message" | "info_request" | "status_change" | "resolution";
  body: string;
  createdAt: string;
  files: Array<{ id: string; filename: string; contentType: string; size: number }>;
}

const sideLabels = { customer: "Customer", staff: "AR team", system: "System" } as const;
const kindLabels = { message: null, info_request: "Request for information", status_change: "Status change", resolution: "Resolution" } as const;
const typeLabels: Record<string, string> = { "application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG" };

/** The whole thread, oldest first; internal notes are marked in words as well as colour. */
export function AdminDisputeThread({ messages }: { messages: AdminThreadMessage[] }) {
  if (messages.length === 0) return <p className="mt-2">No messages yet.</p>;
  return (
    <ol className="mt-2 space-y-3">
      {messages.map((m) => {
        const internal = m.visibility === "internal";
        const kind = kindLabels[m.kind];
        return (
          <li key={m.id}>
            <article
              aria-label={`${internal ? "Internal note" : "Message"} from ${m.authorName ?? sideLabels[m.authorSide]}, ${formatDateTime(m.createdAt)}`}
              className={`rounded-lg p-4 ring-1 ${internal ? "border-l-4 border-amber-500 bg-amber-50 ring-amber-300" : m.authorSide === "customer" ? "bg-white ring-slate-200" : "bg-slate-50 ring-slate-200"}`}
            >
              {internal ? (
                <p className="mb-2 text-sm font-semibold text-amber-950">Internal note — not visible to the customer</p>
              ) : null}
              <header className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
                <span className="font-semibold">{m.authorName ?? sideLabels[m.authorSide]}</span>
                <span className="text-slate-700">{sideLabels[m.authorSide]}</span>
                {kind ? <span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs font-semibold text-slate-900">{kind}</span> : null}
                <LocalTime iso={m.createdAt} className="text-slate-700" />
              </header>
              <p className="mt-2 break-words whitespace-pre-wrap">{m.body}</p>
              {m.files.length > 0 ? (
                <ul aria-label="Files" className="mt-3 space-y-1 text-sm">
                  {m.files.map((f) => (
                    <li key={f.id}>
                      <a href={`/admin/attachments/${f.id}`} className="break-all text-brand-700 underline">
                        <span className="sr-only">Download </span>
                        {f.filename}
                      </a>{" "}
                      <span className="text-slate-700">
                        ({typeLabels[f.contentType] ?? f.contentType}, {formatBytes(f.size)})
                      </span>
                    </li>
                  ))}
                </ul>
              ) : null}
            </article>
          </li>
        );
      })}
    </ol>
  );
}
