/** Money is integer minor units everywhere; these helpers only format and convert for display. */

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string): Intl.NumberFormat {
  let f = formatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat("en-US", { style: "currency", currency, currencyDisplay: "code" });
    formatters.set(currency, f);
  }
  return f;
}

/** Number of minor-unit digits of a currency (2 for USD, 0 for JPY). */
export function minorDigits(currency: string): number {
  return formatter(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** 123456, "USD" → "USD 1,234.56" (the code avoids "$" meaning USD, CAD and AUD at once). */
export function formatMoney(minor: number, currency: string): string {
  return formatter(currency).format(minor / 10 ** minorDigits(currency)).replace(/\u00a0/g, " ");
}
