/**
 * Submits the Stripe emulator's hosted Checkout form the way a browser does (a form POST to the
 * session's page), with a test card or a test bank account. Returns the response as seen.
 */
export async function submitHostedCheckout(checkoutUrl: string, pay: { card: string } | { account: string; routing?: string; microdeposits?: boolean; holderType?: "individual" | "company" }) {
  const fields: Record<string, string> =
    "card" in pay
      ? { payment_method_type: "card", card_number: pay.card, card_expiry: "12 / 34", card_cvc: "123", card_name: "Test Payer" }
      : { payment_method_type: "us_bank_account", account_holder_name: "Test Payer", routing_number: pay.routing ?? "110000000", account_number: pay.account, account_type: "checking", mandate: "accepted",
          // The emulator's choice for "automatic" verification: wait for microdeposits instead of verifying instantly.
          ...(pay.microdeposits ? { verification: "microdeposits" } : {}),
          ...(pay.holderType ? { account_holder_type: pay.holderType } : {}) };
  const res = await fetch(checkoutUrl, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), text: await res.text() };
}
