import type { ButtonHTMLAttributes } from "react";

const variants = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 disabled:bg-slate-400",
  secondary: "bg-white text-slate-900 ring-1 ring-slate-300 hover:bg-slate-100",
  link: "text-brand-700 underline hover:text-brand-800",
};

export function Button({ variant = "primary", className = "", ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof variants }) {
  const base = variant === "link" ? "" : "inline-flex items-center justify-center rounded-md px-4 py-2 text-sm font-medium min-h-10";
  return <button className={`${base} ${variants[variant]} ${className}`} {...props} />;
}

export const buttonLinkClass = "inline-flex items-center justify-center rounded-md px-4 py-2 text-sm font-medium min-h-10 bg-white text-slate-900 ring-1 ring-slate-300 hover:bg-slate-100";
