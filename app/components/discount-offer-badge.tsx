import type { DiscountOffer } from "~/modules/terms/quote-rules";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

/**
 * "Save USD 20.00 by Dec 16": an invoice whose early-payment discount can be earned today. On a
 * phone it wraps within the balance's width, so the card's number column keeps its room.
 */
export function DiscountOfferBadge({ offer, currency }: { offer: DiscountOffer; currency: string }) {
  const day = formatDate(offer.until).replace(/, \d{4}$/, "");
  return (
    <span className="mt-1 block w-fit rounded-xl bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900 max-sm:max-w-28 max-sm:text-right sm:whitespace-nowrap" data-testid="discount-offer-badge">
      Save {formatMoney(offer.saves, currency)} by {day}
    </span>
  );
}
