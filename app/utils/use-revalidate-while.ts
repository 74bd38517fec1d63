import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

/**
 * Keeps a page that waits on an outcome up to date by itself: while `waiting`, it re-runs the
 * page's loaders after a growing pause (`firstDelayMs`, then ×1.5 up to `maxDelayMs`), stops as
 * soon as the page reaches a final state (`waiting` false), and pauses while the tab is hidden
 * (looking again at once when it is shown). Returns how many times it has looked, so a page can
 * say "still waiting" after a while. Polling rather than server-sent events: a page reload is
 * the same code path, and nothing stays open on the server.
 */
export function useRevalidateWhile(waiting: boolean, { firstDelayMs = 1000, maxDelayMs = 15_000 } = {}): number {
  const { revalidate } = useRevalidator();
  const revalidateRef = useRef(revalidate);
  revalidateRef.current = revalidate;
  const [looks, setLooks] = useState(0);

  useEffect(() => {
    if (!waiting) return;
    let delay = firstDelayMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const look = () => {
      setLooks((n) => n + 1);
      revalidateRef.current();
    };
    const schedule = () => {
      clearTimeout(timer);
      if (document.hidden) return;
      timer = setTimeout(() => {
        look();
        delay = Math.min(delay * 1.5, maxDelayMs);
        schedule();
      }, delay);
    };
    const onVisibility = () => {
      if (document.hidden) {
        clearTimeout(timer);
        return;
      }
      look();
      schedule();
    };
    schedule();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [waiting, firstDelayMs, maxDelayMs]);

  return looks;
}
