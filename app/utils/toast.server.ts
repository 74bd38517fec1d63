import { createCookie, redirect } from "@remix-run/node";
import { env } from "~/env.server";

/**
 * A one-time notice after a redirect ("Reply sent to the customer."), in a signed cookie the next
 * page reads once and clears — instead of `?done=` in the address, which a reload or a shared
 * link would show again. The root loader reads it; `<Toast>` (app/components/toast.tsx) shows it.
 */
export interface ToastMessage {
  tone: "success" | "info";
  text: string;
}

function toastCookie() {
  const secure = env().APP_URL.startsWith("https://");
  return createCookie(secure ? "__Host-portal_toast" : "portal_toast", { httpOnly: true, secure, sameSite: "lax", path: "/", maxAge: 60, secrets: [env().SESSION_SECRET] });
}

/** A redirect that shows `text` once on the page it lands on. */
export async function redirectWithToast(url: string, text: string, init: { tone?: ToastMessage["tone"]; headers?: HeadersInit } = {}) {
  const headers = new Headers(init.headers);
  headers.append("Set-Cookie", await toastCookie().serialize({ tone: init.tone ?? "success", text } satisfies ToastMessage));
  return redirect(url, { headers });
}

/** The pending toast, and the header that clears it (so a reload does not show it again). */
export async function takeToast(request: Request): Promise<{ toast: ToastMessage | null; headers: HeadersInit | undefined }> {
  const cookieHeader = request.headers.get("Cookie");
  if (!cookieHeader?.includes("portal_toast")) return { toast: null, headers: undefined };
  const value = (await toastCookie().parse(cookieHeader)) as unknown;
  const toast = isToast(value) ? value : null;
  return { toast, headers: { "Set-Cookie": await toastCookie().serialize("", { maxAge: 0 }) } };
}

function isToast(value: unknown): value is ToastMessage {
  return typeof value === "object" && value !== null && typeof (value as ToastMessage).text === "string" && ((value as ToastMessage).tone === "success" || (value as ToastMessage).tone === "info");
}
