/** Money is integer minor units everywhere; these helpers only format and convert for display. */

const formatters = new Map<string, { format: Intl.NumberFormat; digits: number }>();

// Built once per currency: a formatter (and its resolvedOptions) is costly on every table row.
function formatter(currency: string): { format: Intl.NumberFormat; digits: number } {
  let f = formatters.get(currency);
  if (!f) {
    const format = new Intl.NumberFormat("en-US", { style: "currency", currency, currencyDisplay: "code" });
    f = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    formatters.set(currency, f);
  }
  return f;
}

/** Number of minor-unit digits of a currency (2 for USD, 0 for JPY). */
export function minorDigits(currency: string): number {
  return formatter(currency).digits;
}

/** 123456, "USD" → "USD 1,234.56" (the code avoids "$" meaning USD, CAD and AUD at once). */
export function formatMoney(minor: number, currency: string): string {
  const f = formatter(currency);
  return f.format.format(minor / 10 ** f.digits).replace(/\u00a0/g, " ");
}
