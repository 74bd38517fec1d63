import type { ReactNode } from "react";

const tones = {
  info: "border-blue-300 bg-blue-50 text-blue-950",
  error: "border-red-300 bg-red-50 text-red-950",
  success: "border-green-300 bg-green-50 text-green-950",
};

export function Alert({ tone = "info", children, title }: { tone?: keyof typeof tones; title?: string; children: ReactNode }) {
  return (
    <div role={tone === "error" ? "alert" : "status"} className={`rounded-md border p-4 ${tones[tone]}`}>
      {title ? <p className="font-semibold">{title}</p> : null}
      <div className={title ? "mt-1" : ""}>{children}</div>
    </div>
  );
}
