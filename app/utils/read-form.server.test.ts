import { describe, expect, it } from "vitest";
import { readForm, readFormValues } from "./read-form.server";

const url = "http://localhost:3999/login";
const post = (body: BodyInit, type?: string) => new Request(url, { method: "POST", body, headers: type ? { "Content-Type": type } : {} });

async function refusal(promise: Promise<unknown>): Promise<{ status: number; text: string }> {
  const thrown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(thrown instanceof Response)) throw new Error(`expected a Response, got ${String(thrown)}`);
  return { status: thrown.status, text: await thrown.text() };
}

describe("readForm", () => {
  it("reads urlencoded and multipart forms", async () => {
    expect(await readFormValues(post("email=pat%40northwind.example&website=", "application/x-www-form-urlencoded"))).toEqual({ email: "pat@northwind.example", website: "" });
    const form = new FormData();
    form.append("intent", "reply");
    form.append("body", "Line one\r\nLine two");
    expect(await readFormValues(new Request(url, { method: "POST", body: form }))).toEqual({ intent: "reply", body: "Line one\r\nLine two" });
  });

  it("answers 415 for a body that is not a form, naming what was sent", async () => {
    expect(await refusal(readForm(post('{"email":"x"}', "application/json")))).toEqual({ status: 415, text: expect.stringContaining("not application/json") });
    expect((await refusal(readForm(post("email=x", "text/plain")))).status).toBe(415);
    expect((await refusal(readForm(post("")))).status).toBe(415);
  });

  it("answers 400 for multipart without a boundary or cut short, and for NUL characters", async () => {
    expect(await refusal(readForm(post("--x\r\n", "multipart/form-data")))).toEqual({ status: 400, text: expect.stringContaining("no boundary") });
    const cut = '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\npat';
    expect(await refusal(readForm(post(cut, "multipart/form-data; boundary=x")))).toEqual({ status: 400, text: expect.stringContaining("not a well-formed form") });
    expect(await refusal(readForm(post("body=a%00b", "application/x-www-form-urlencoded")))).toEqual({ status: 400, text: expect.stringContaining("NUL") });
    const withFile = new FormData();
    withFile.append("approvalThreshold", new File(["1"], "a.txt"));
    expect(await refusal(readForm(new Request(url, { method: "POST", body: withFile })))).toEqual({ status: 400, text: expect.stringContaining('file in the field "approvalThreshold"') });
    expect((await readForm(new Request(url, { method: "POST", body: withFile }), { fileFields: ["approvalThreshold"] })).get("approvalThreshold")).toBeInstanceOf(File);
  });
});
