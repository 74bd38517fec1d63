import { getInputProps, getSelectProps, getTextareaProps, type FieldMetadata, type FormMetadata } from "@conform-to/react";
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { Alert } from "~/components/ui/alert";

/**
 * Form fields wired by Conform: label, hint, error, `aria-invalid` and `aria-describedby` come
 * from the field's metadata, so no page hand-writes ids or error wiring. Use with `useForm` and a
 * zod schema (app/utils/form.server.ts reads and validates on the server).
 */

const inputClass = "mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base aria-[invalid]:border-red-700";

function describedBy(meta: FieldMetadata<unknown>, hint: ReactNode | undefined): string | undefined {
  return [meta.errors?.length ? meta.errorId : null, hint ? meta.descriptionId : null].filter(Boolean).join(" ") || undefined;
}

function FieldFrame({ meta, label, hint, className = "", children }: { meta: FieldMetadata<unknown>; label: ReactNode; hint?: ReactNode; className?: string; children: ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={meta.id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {hint ? (
        <p id={meta.descriptionId} className="text-sm text-slate-600">
          {hint}
        </p>
      ) : null}
      {children}
      <FieldErrors meta={meta} />
    </div>
  );
}

export function FieldErrors({ meta }: { meta: FieldMetadata<unknown> }) {
  if (!meta.errors?.length) return null;
  return (
    <p id={meta.errorId} className="mt-1 text-sm text-red-800">
      {meta.errors.join(" ")}
    </p>
  );
}

type InputType = "text" | "email" | "number" | "date" | "datetime-local" | "search" | "url" | "tel" | "password" | "hidden";

export function TextField({ meta, label, hint, type = "text", className, ...rest }: { meta: FieldMetadata<unknown>; label: ReactNode; hint?: ReactNode; type?: InputType; className?: string } & Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "name" | "id">) {
  return (
    <FieldFrame meta={meta} label={label} hint={hint} className={className}>
      <input {...getInputProps(meta, { type, ariaAttributes: false })} aria-invalid={meta.errors?.length ? true : undefined} aria-describedby={describedBy(meta, hint)} className={inputClass} {...rest} />
    </FieldFrame>
  );
}

export function TextAreaField({ meta, label, hint, className, ...rest }: { meta: FieldMetadata<unknown>; label: ReactNode; hint?: ReactNode; className?: string } & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "name" | "id">) {
  return (
    <FieldFrame meta={meta} label={label} hint={hint} className={className}>
      <textarea {...getTextareaProps(meta, { ariaAttributes: false })} aria-invalid={meta.errors?.length ? true : undefined} aria-describedby={describedBy(meta, hint)} className={inputClass} rows={4} {...rest} />
    </FieldFrame>
  );
}

export function SelectField({ meta, label, hint, options, className, ...rest }: { meta: FieldMetadata<unknown>; label: ReactNode; hint?: ReactNode; options: { value: string; label: string }[]; className?: string } & Omit<SelectHTMLAttributes<HTMLSelectElement>, "name" | "id">) {
  return (
    <FieldFrame meta={meta} label={label} hint={hint} className={className}>
      <select {...getSelectProps(meta, { ariaAttributes: false })} aria-invalid={meta.errors?.length ? true : undefined} aria-describedby={describedBy(meta, hint)} className={inputClass} {...rest}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** The form's own errors (a use case's Problem, a refused submission) as an alert above the fields. */
export function FormErrors({ form, title }: { form: Pick<FormMetadata<Record<string, unknown>, string[]>, "errors" | "errorId">; title?: string }) {
  if (!form.errors?.length) return null;
  return (
    <div id={form.errorId}>
      <Alert tone="error" title={title}>
        {form.errors.join(" ")}
      </Alert>
    </div>
  );
}
