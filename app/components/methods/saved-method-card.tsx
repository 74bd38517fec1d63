import type { ReactNode } from "react";
import { Form, Link } from "@remix-run/react";
import { LocalTime } from "~/components/local-time";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import type { SavedMethodView } from "~/modules/methods/list-methods.server";
import { formatMoney } from "~/utils/money";

const badgeTones = { slate: "bg-slate-100 text-slate-800", green: "bg-green-100 text-green-900", amber: "bg-amber-100 text-amber-900", red: "bg-red-100 text-red-900" };
function Badge({ tone, children }: { tone: keyof typeof badgeTones; children: ReactNode }) {
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${badgeTones[tone]}`}>{children}</span>;
}

const verificationText = { verified: "Verified", pending: "Waiting for verification", failed: "Verification failed" } as const;
const holderText = { individual: "Personal account", company: "Business account" } as Record<string, string>;

/**
 * One saved method on the payer's page: what it is, its expiry or verification, its mandate, what
 * charges it, and its two actions. `readOnly` (staff) shows the same without the forms.
 */
export function SavedMethodCard({
  method,
  error,
  busy,
  readOnly = false,
  planHref = (id) => `/plans/${id}`,
}: {
  method: SavedMethodView;
  error?: string;
  busy?: boolean;
  readOnly?: boolean;
  planHref?: (planId: string) => string;
}) {
  const what = method.type === "card" ? "card" : "bank account";
  // Under the staff page's own section heading, each method is one level down.
  const Heading = readOnly ? "h3" : "h2";
  const Subheading = readOnly ? "h4" : "h3";
  return (
    <li className="rounded-lg bg-white p-4 ring-1 ring-slate-200" data-testid="saved-method" aria-labelledby={`method-${method.id}`}>
      <div className="flex flex-wrap items-center gap-2">
        <Heading id={`method-${method.id}`} className="text-lg font-semibold">
          {method.label}
        </Heading>
        {method.isDefault ? <Badge tone="green">Default</Badge> : null}
        {method.expiry === "expired" ? <Badge tone="red">Expired</Badge> : null}
        {method.expiry === "expires_soon" ? <Badge tone="amber">Expires soon</Badge> : null}
        {method.type === "us_bank_account" ? <Badge tone={method.verification === "verified" ? "slate" : method.verification === "pending" ? "amber" : "red"}>{verificationText[method.verification]}</Badge> : null}
      </div>
      <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm text-slate-700 sm:grid-cols-2">
        <div>
          <dt className="inline">{method.type === "card" ? "Card" : "Bank"}: </dt>
          <dd className="inline">
            {method.brand ? method.brand.charAt(0).toUpperCase() + method.brand.slice(1) : method.type === "card" ? "Card" : "Bank account"} ending {method.last4 ?? "—"}
          </dd>
        </div>
        {method.expMonth !== null && method.expYear !== null ? (
          <div>
            <dt className="inline">Expires: </dt>
            <dd className="inline tabular-nums">
              {String(method.expMonth).padStart(2, "0")}/{method.expYear}
            </dd>
          </div>
        ) : null}
        {method.accountHolderType ? (
          <div>
            <dt className="inline">Holder: </dt>
            <dd className="inline">{holderText[method.accountHolderType] ?? method.accountHolderType}</dd>
          </div>
        ) : null}
      </dl>
      {method.mandateText ? (
        <details className="mt-2 text-sm">
          <summary className="cursor-pointer text-brand-700 underline">
            Debit authorization{method.mandateAcceptedAt ? <> accepted <LocalTime iso={method.mandateAcceptedAt} dateOnly /></> : null}
          </summary>
          <p className="mt-1 text-slate-700">{method.mandateText}</p>
        </details>
      ) : null}
      <div className="mt-2 text-sm">
        <Subheading className="font-medium">Used by</Subheading>
        {method.uses.plans.length === 0 && method.uses.autopay.length === 0 ? (
          <p className="text-slate-700">Nothing charges this {what} automatically.</p>
        ) : (
          <ul className="list-disc pl-5">
            {method.uses.plans.map((plan) => (
              <li key={plan.id}>
                <Link to={planHref(plan.id)} className="inline-block min-h-6 text-brand-700 underline">
                  Payment plan of {formatMoney(plan.total, plan.currency)}
                </Link>
              </li>
            ))}
            {method.uses.autopay.map((a) => (
              <li key={a.id}>Autopay{a.status === "paused" ? " (paused)" : ""}</li>
            ))}
          </ul>
        )}
      </div>
      {error ? (
        <div className="mt-3" id={`method-error-${method.id}`}>
          <Alert tone="error">
            {error}
            {method.uses.plans[0] ? (
              <>
                {" "}
                <Link to={planHref(method.uses.plans[0].id)} className="underline">
                  Open the plan to replace its payment method
                </Link>
              </>
            ) : null}
          </Alert>
        </div>
      ) : null}
      {readOnly ? null : (
        <div className="mt-3 flex flex-wrap gap-2">
          {!method.isDefault && method.verification === "verified" ? (
            <Form method="post">
              <input type="hidden" name="intent" value="make_default" />
              <input type="hidden" name="methodId" value={method.id} />
              <Button type="submit" variant="secondary" disabled={busy}>
                Make default<span className="sr-only"> for {method.label}</span>
              </Button>
            </Form>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="remove" />
            <input type="hidden" name="methodId" value={method.id} />
            <Button type="submit" variant="secondary" disabled={busy} aria-describedby={error ? `method-error-${method.id}` : undefined}>
              Remove<span className="sr-only"> {method.label}</span>
            </Button>
          </Form>
        </div>
      )}
    </li>
  );
}
