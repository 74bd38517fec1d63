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

/** "1,234.5" in a currency → 123450 minor units, or null when it is not a valid amount. */
export function parseAmount(input: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const cleaned = input.replace(/[,\s]/g, "").replace(/^[A-Z]{3}/i, "").replace(/^\$/, "");
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`);
  if (!pattern.test(cleaned)) return null;
  const [whole, fraction = ""] = cleaned.split(".");
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || 0);
  return Number.isSafeInteger(minor) ? minor : null;
}

/** 123450 → "1234.50": how an amount is put back into an input field. */
export function amountInputValue(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  return digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits);
}
