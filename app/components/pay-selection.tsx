import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { formatMoney } from "~/utils/money";

/**
 * What the payer has ticked on the invoice list, read from the tick boxes themselves (they stay
 * plain, uncontrolled inputs of the pay form, so ticking works before hydration and without
 * JavaScript). The amounts are the balances the server rendered into the list: display only —
 * the pay page recomputes what is owed from the database.
 */
export interface Ticked {
  count: number;
  /** Total per currency, in minor units, in the order first ticked. */
  totals: Array<{ currency: string; amount: number }>;
  /** How many tick boxes the page has (invoices that can be paid). */
  available: number;
}

const none: Ticked = { count: 0, totals: [], available: 0 };

function boxesOf(formId: string): HTMLInputElement[] {
  const form = document.getElementById(formId);
  if (!(form instanceof HTMLFormElement)) return [];
  return [...form.elements].filter((el): el is HTMLInputElement => el instanceof HTMLInputElement && el.type === "checkbox" && el.name === "invoice");
}

function read(formId: string): Ticked {
  const boxes = boxesOf(formId);
  const totals = new Map<string, number>();
  let count = 0;
  for (const box of boxes) {
    if (!box.checked) continue;
    count += 1;
    const currency = box.dataset.currency ?? "";
    totals.set(currency, (totals.get(currency) ?? 0) + Number(box.dataset.balance ?? 0));
  }
  return { count, totals: [...totals].map(([currency, amount]) => ({ currency, amount })), available: boxes.length };
}

/**
 * Follows the tick boxes of `formId`. `refresh` is meant for a change listener around the list;
 * `setAll` ticks or clears every box on the page. `hydrated` is false in the server's HTML, where
 * controls that need JavaScript are left out.
 */
export function usePaySelection(formId: string) {
  const [ticked, setTicked] = useState<Ticked>(none);
  const [hydrated, setHydrated] = useState(false);
  const refresh = useCallback(() => setTicked(read(formId)), [formId]);
  // Boxes ticked before hydration, or restored by the browser on "back", count too.
  useEffect(() => {
    setHydrated(true);
    refresh();
  }, [refresh]);
  const setAll = useCallback(
    (checked: boolean) => {
      for (const box of boxesOf(formId)) box.checked = checked;
      refresh();
    },
    [formId, refresh],
  );
  return { ticked, hydrated, refresh, setAll };
}

export function totalText(totals: Ticked["totals"]): string {
  return totals.map((t) => formatMoney(t.amount, t.currency)).join(" + ");
}

/** "Select all on this page", ticked when every box is, mixed when some are. */
export function SelectAllBox({ ticked, onChange }: { ticked: Ticked; onChange: (checked: boolean) => void }) {
  const box = useRef<HTMLInputElement>(null);
  const all = ticked.available > 0 && ticked.count === ticked.available;
  useEffect(() => {
    if (box.current) box.current.indeterminate = ticked.count > 0 && !all;
  }, [ticked.count, all]);
  return (
    <label className="inline-flex items-center gap-2 max-sm:min-h-11 max-sm:rounded-md max-sm:bg-white max-sm:px-3 max-sm:ring-1 max-sm:ring-slate-300">
      <input ref={box} type="checkbox" checked={all} disabled={ticked.available === 0} onChange={(e) => onChange(e.currentTarget.checked)} className="size-6" />
      <span className="font-medium sm:sr-only">Select all on this page</span>
    </label>
  );
}

/**
 * The bar that follows the payer down the list once something is ticked: "Pay 3 selected ·
 * USD 1,234.56", submitting the pay form (or the plan form). It sits at the bottom of the screen.
 */
export function PaySelectionBar({ formId, ticked, planAction, children }: { formId: string; ticked: Ticked; planAction: string; children?: ReactNode }) {
  const total = totalText(ticked.totals);
  return (
    <>
      <p aria-live="polite" className="sr-only">
        {ticked.count > 0 ? `${ticked.count} selected, ${total}` : ""}
      </p>
      {ticked.count > 0 ? (
        <div className="sticky bottom-0 z-10 -mx-4 mt-3 border-t border-slate-200 bg-white/95 px-4 pt-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] shadow-[0_-4px_12px_rgba(15,23,42,0.08)] sm:mx-0 sm:rounded-lg sm:border sm:px-4" data-testid="pay-selection-bar">
          <div className="flex flex-wrap items-center gap-2">
            <button type="submit" form={formId} className="inline-flex min-h-11 flex-1 items-center justify-center rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 sm:flex-none">
              Pay {ticked.count} selected · <span className="tabular-nums">{total}</span>
            </button>
            <button type="submit" form={formId} formAction={planAction} className="inline-flex min-h-11 items-center justify-center rounded-md bg-white px-4 py-2 text-sm font-medium text-slate-900 ring-1 ring-slate-300 hover:bg-slate-100">
              Payment plan
            </button>
            {children}
          </div>
        </div>
      ) : null}
    </>
  );
}
