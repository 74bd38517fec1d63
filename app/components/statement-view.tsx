import { Link } from "@remix-run/react";
import type { AgingBuckets, Statement, StatementCurrencySection } from "~/modules/invoices/types";
import { offerSentence } from "~/modules/terms/payment-terms";
import { lineLabel } from "~/modules/invoices/statement-lines";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

const buckets: Array<[keyof AgingBuckets, string]> = [
  ["current", "Current"],
  ["days1to30", "1–30 days"],
  ["days31to60", "31–60 days"],
  ["days61to90", "61–90 days"],
  ["over90", "Over 90 days"],
];

/**
 * Statement for a period, per currency: opening balance, the page's lines with a running
 * balance (brought forward from the previous page), closing balance and aging at the period end.
 */
export function StatementView({ statement }: { statement: Statement }) {
  if (statement.sections.length === 0) {
    return <p className="mt-4 rounded-lg bg-white p-6 ring-1 ring-slate-200">No invoices on this account yet: nothing is owed.</p>;
  }
  const end = formatDate(statement.period.to);
  return (
    <>
      {statement.sections.map((section) => (
        <CurrencySection key={section.currency} statement={statement} section={section} end={end} />
      ))}
    </>
  );
}

function CurrencySection({ statement, section, end }: { statement: Statement; section: StatementCurrencySection; end: string }) {
  const money = (minor: number) => formatMoney(minor, section.currency);
  const c = section.currency;
  const lines = statement.lines.filter((l) => l.currency === c);
  const broughtForward = lines.length > 0 ? lines[0]!.balance - lines[0]!.amount : section.opening;
  const firstPage = !statement.page || statement.page.number === 1;
  const aging = Object.values(section.aging).reduce((a, b) => a + b, 0);
  const offers = statement.offers.filter((o) => o.currency === c);
  return (
    <section className="mt-6" aria-labelledby={`statement-${c}`}>
      <h2 id={`statement-${c}`} className="text-lg font-semibold">
        {c} — {money(section.closing)} owed at {end}
      </h2>
      <dl className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-5">
        <Figure label={`Opening balance ${formatDate(statement.period.from)}`} value={money(section.opening)} testId={`opening-${c}`} />
        <Figure label="Invoiced" value={money(section.invoiced)} testId={`invoiced-${c}`} />
        <Figure label="Payments and credits" value={money(-section.reductions)} testId={`reductions-${c}`} />
        <Figure label="Refunds and reversals" value={money(section.increases)} testId={`increases-${c}`} />
        <Figure label={`Closing balance ${end}`} value={money(section.closing)} testId={`closing-${c}`} strong />
      </dl>
      {section.processing.count > 0 ? (
        <p className="mt-2 text-sm text-slate-700" data-testid={`processing-${c}`}>
          Not included: {section.processing.count === 1 ? "1 payment" : `${section.processing.count} payments`} of {money(section.processing.amount)} still
          processing (bank payments take a few days to arrive). They appear here once received.
        </p>
      ) : null}

      {offers.length > 0 ? (
        <div className="mt-3 rounded-lg bg-emerald-50 p-3 text-sm text-emerald-900 ring-1 ring-emerald-200" data-testid={`offers-${c}`}>
          <h3 className="font-semibold">Early-payment discounts available today</h3>
          <ul className="mt-1 space-y-1">
            {offers.map((o) => (
              <li key={o.invoiceId}>
                <Link to={`/invoices/${o.invoiceId}`} className="underline">
                  Invoice {o.number}
                </Link>
                : {offerSentence(o, c)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <h3 className="mt-4 font-semibold">Aging at {end}</h3>
      <dl className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-6">
        {buckets.map(([key, label]) => (
          <div key={key} className="rounded-lg bg-white p-3 ring-1 ring-slate-200">
            <dt className="text-xs text-slate-600">{label}</dt>
            <dd className={`font-semibold tabular-nums ${key !== "current" && section.aging[key] > 0 ? "text-red-800" : ""}`} data-testid={`aging-${c}-${key}`}>
              {money(section.aging[key])}
            </dd>
          </div>
        ))}
        <Figure label="Total" value={money(aging)} />
      </dl>

      {/* Focusable so a keyboard can scroll it if a narrow screen still overflows. */}
      <div className="mt-3 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200" tabIndex={0} role="region" aria-label={`Activity in ${c}`}>
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Activity in {c}</caption>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="hidden px-3 py-2 text-left font-semibold sm:table-cell">Date</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Description</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Amount</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Balance</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            <tr>
              <td className="hidden px-3 py-2 whitespace-nowrap sm:table-cell">{formatDate(statement.period.from)}</td>
              <td className="px-3 py-2 text-slate-700">
                {firstPage ? "Opening balance" : "Balance brought forward"}
                <span className="block text-xs sm:hidden">{formatDate(statement.period.from)}</span>
              </td>
              <td className="px-3 py-2" />
              <td className="px-3 py-2 text-right font-medium tabular-nums">{money(broughtForward)}</td>
            </tr>
            {lines.map((line, i) => (
              <tr key={i} data-testid="statement-line">
                <td className="hidden px-3 py-2 whitespace-nowrap sm:table-cell">{formatDate(line.date)}</td>
                <td className="px-3 py-2">
                  <span className="block text-xs text-slate-600 sm:hidden">{formatDate(line.date)}</span>
                  {lineLabel(line.kind)} <span className="text-slate-700">{line.invoices}</span>
                  {line.detail ? <span className="block text-xs text-slate-600">{line.detail}</span> : null}
                  {line.offer ? (
                    <span className="block text-xs font-medium text-emerald-800" data-testid="statement-line-offer">
                      {offerSentence(line.offer, c)}
                    </span>
                  ) : null}
                </td>
                <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">{money(line.amount)}</td>
                <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">{money(line.balance)}</td>
              </tr>
            ))}
            {section.lineCount === 0 ? (
              <tr>
                <td colSpan={4} className="px-3 py-2 text-slate-700">
                  No activity in this period.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Figure({ label, value, testId, strong }: { label: string; value: string; testId?: string; strong?: boolean }) {
  return (
    <div className={`rounded-lg bg-white p-3 ring-1 ${strong ? "ring-slate-400" : "ring-slate-200"}`}>
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className="font-semibold tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
