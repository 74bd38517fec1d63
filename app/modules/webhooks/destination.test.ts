import { describe, expect, it } from "vitest";
import { destinationProblem, type LookupAll } from "./destination.server";

// A stand-in for DNS answers that would need a network (the real resolver is used for
// localhost in webhooks.test.ts, at registration and at connect time).
const answers: Record<string, string[]> = {
  "backoffice.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
  "intranet.example": ["10.20.30.40"],
  "metadata.example": ["169.254.169.254"],
  "mixed.example": ["93.184.215.14", "127.0.0.1"],
  "v6-private.example": ["fd12:3456::1"],
  "mapped.example": ["::ffff:192.168.0.10"],
};
const lookupAll: LookupAll = async (host) => {
  const found = answers[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  return found.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
};
const check = (url: string) => destinationProblem(url, { allowPrivate: false, lookupAll });

describe("destinationProblem", () => {
  it("accepts https to a host whose every address is public", async () => {
    expect(await check("https://backoffice.example/hooks")).toBeNull();
    expect(await check("https://93.184.215.14/hooks")).toBeNull();
    expect(await check("https://[2606:4700:4700::1111]/hooks")).toBeNull();
  });

  it.each([
    ["https://intranet.example/hooks", "intranet.example resolves to a private address (10.20.30.40); the portal only delivers to public https URLs."],
    ["https://metadata.example/", "metadata.example resolves to a private address (169.254.169.254); the portal only delivers to public https URLs."],
    ["https://mixed.example/", "mixed.example resolves to a private address (127.0.0.1); the portal only delivers to public https URLs."],
    ["https://v6-private.example/", "v6-private.example resolves to a private address (fd12:3456::1); the portal only delivers to public https URLs."],
    ["https://mapped.example/", "mapped.example resolves to a private address (::ffff:192.168.0.10); the portal only delivers to public https URLs."],
    ["https://localhost/", "localhost resolves to a private address (127.0.0.1); the portal only delivers to public https URLs."],
    ["https://0x7f.1/", "127.0.0.1 is a private address; the portal only delivers to public https URLs."],
    ["http://backoffice.example/hooks", "The URL must start with https://: the portal only delivers to public https URLs."],
    ["https://nowhere.example/", "nowhere.example could not be found: check the host name."],
  ])("refuses %s", async (url, message) => {
    expect(await check(url)).toBe(message);
  });

  it("lets everything through when private URLs are allowed", async () => {
    expect(await destinationProblem("http://127.0.0.1:3000/dev/webhook-receiver", { allowPrivate: true, lookupAll })).toBeNull();
  });
});
