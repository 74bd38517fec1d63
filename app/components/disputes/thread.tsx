import type { DisputeDetail } from "~/modules/disputes/get-dispute.server";
import { LocalTime } from "~/components/local-time";

type Message = Omit<DisputeDetail["messages"][number], "createdAt"> & { createdAt: string };

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** A dispute's thread in order; internal notes (staff only) are marked as such. */
export function DisputeThread({ messages, fileHref, customerName }: { messages: Message[]; fileHref: (id: string) => string; customerName: string }) {
  return (
    <ol className="mt-3 space-y-3" aria-label="Dispute thread">
      {messages.map((m) => {
        const internal = m.visibility === "internal";
        const who = m.authorSide === "customer" ? `${m.authorName ?? customerName} (customer)` : m.authorSide === "staff" ? `${m.authorName ?? "AR team"} (AR team)` : "System";
        return (
          <li key={m.id} className={`rounded-lg p-4 ring-1 ${internal ? "bg-yellow-50 ring-yellow-300" : m.authorSide === "customer" ? "bg-white ring-slate-200" : "bg-brand-50 ring-blue-200"}`}>
            <p className="text-sm text-slate-700">
              <span className="font-semibold text-slate-900">{who}</span> · <LocalTime iso={m.createdAt} />
              {internal ? <span className="ml-2 font-semibold text-yellow-900">Internal note — not visible to the customer</span> : null}
              {m.kind === "info_request" ? <span className="ml-2 font-semibold text-orange-900">Information requested</span> : null}
            </p>
            <p className="mt-2 whitespace-pre-wrap">{m.body}</p>
            {m.files.length > 0 ? (
              <ul className="mt-2 space-y-1 text-sm">
                {m.files.map((f) => (
                  <li key={f.id}>
                    <a href={fileHref(f.id)} className="text-brand-700 underline" download>
                      {f.filename}
                    </a>{" "}
                    <span className="text-slate-600">({size(f.size)})</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
