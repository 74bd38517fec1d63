import { BlockList } from "node:net";
import { describe, expect, it } from "vitest";
import { classifyAddress, isPublicAddress, parseIpv4, parseIpv6 } from "./ip-ranges";

/** The host a URL really points at, as the sender sees it (WHATWG parsing, brackets off). */
const hostOf = (url: string) => new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["0.0.0.0", "this network"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "CGNAT"],
    ["100.127.255.255", "CGNAT"],
    ["169.254.169.254", "link-local"],
    ["192.0.0.170", "IETF"],
    ["192.0.2.1", "documentation"],
    ["198.18.0.1", "benchmarking"],
    ["224.0.0.251", "multicast"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "link-local"],
    ["::ffff:10.0.0.1", "private"],
    ["::127.0.0.1", "IPv4-compatible"],
    ["64:ff9b::7f00:1", "loopback"],
    ["64:ff9b::a9fe:a9fe", "link-local"],
    ["2002:7f00:1::", "loopback"],
    ["2002:c0a8:101::1", "private"],
    ["fd00::1", "unique local"],
    ["fc00::1", "unique local"],
    ["fdff:ffff::1", "unique local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf::1", "link-local"],
    ["fec0::1", "site-local"],
    ["ff02::1", "multicast"],
    ["ff0e::1", "multicast"],
    ["2001:db8::1", "documentation"],
    ["2001::1", "Teredo"],
    ["100::1", "not global unicast"],
    ["fd00:ec2::254", "unique local"],
  ])("refuses %s (%s)", (address, reason) => {
    const verdict = classifyAddress(address);
    expect(verdict.public).toBe(false);
    if (!verdict.public) expect(verdict.reason).toContain(reason);
  });

  it.each(["8.8.8.8", "1.1.1.1", "93.184.215.14", "172.15.255.255", "172.32.0.0", "100.63.255.255", "100.128.0.0", "169.253.255.255", "192.169.0.1", "223.255.255.255", "2606:4700:4700::1111", "2a00:1450:4001:81a::200e", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])("accepts the public address %s", (address) => {
    expect(classifyAddress(address)).toEqual({ public: true });
  });

  it("refuses what is not an IP address at all", () => {
    for (const text of ["", "localhost", "127.1", "0x7f.0.0.1", "0177.0.0.1", "2130706433", "256.0.0.1", "1.2.3.4.5", ":::1", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::1", "::ffff:1.2.3", "g::1"]) {
      expect(isPublicAddress(text)).toBe(false);
    }
  });

  it("agrees with Node's BlockList on the mapped and plain forms of every refused IPv4 range", () => {
    const blocked = new BlockList();
    for (const [net, prefix] of [["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.168.0.0", 16], ["224.0.0.0", 4], ["240.0.0.0", 4]] as const) blocked.addSubnet(net, prefix, "ipv4");
    // Both edges of each range and one step outside.
    const probes = ["0.255.255.255", "1.0.0.0", "9.255.255.255", "10.0.0.0", "10.255.255.255", "11.0.0.0", "100.63.255.255", "100.64.0.0", "100.127.255.255", "100.128.0.0", "126.255.255.255", "127.0.0.0", "128.0.0.0", "169.254.0.0", "169.255.0.0", "172.15.255.255", "172.16.0.0", "172.31.255.255", "172.32.0.0", "192.167.255.255", "192.168.0.0", "192.169.0.0", "223.255.255.255", "224.0.0.0"];
    for (const ip of probes) {
      expect([ip, isPublicAddress(ip)]).toEqual([ip, !blocked.check(ip, "ipv4")]);
      expect([ip, isPublicAddress(`::ffff:${ip}`)]).toEqual([ip, !blocked.check(ip, "ipv4")]);
    }
  });
});

describe("hosts as WHATWG URL parsing normalises them", () => {
  it.each([
    ["http://127.0.0.1:8080/", "127.0.0.1"],
    ["http://127.1/", "127.0.0.1"],
    ["http://2130706433/", "127.0.0.1"],
    ["http://0x7f.1/", "127.0.0.1"],
    ["http://0177.0.0.1/", "127.0.0.1"],
    ["http://0/", "0.0.0.0"],
    ["http://0.0.0.0/", "0.0.0.0"],
    ["http://127.0.0.1./", "127.0.0.1"],
    ["https://public.com@127.0.0.1/", "127.0.0.1"],
    ["http://[::1]/", "::1"],
    ["http://[::ffff:127.0.0.1]/", "::ffff:7f00:1"],
    ["http://[0:0:0:0:0:ffff:7f00:1]/", "::ffff:7f00:1"],
    ["http://169.254.169.254/latest/meta-data/", "169.254.169.254"],
    ["http://0xa9fea9fe/", "169.254.169.254"],
    ["http://[fd00::1]/", "fd00::1"],
    ["http://[fe80::1]/", "fe80::1"],
    ["http://10.0.0.1/", "10.0.0.1"],
    ["http://172.16.0.1/", "172.16.0.1"],
    ["http://192.168.0.1/", "192.168.0.1"],
    ["http://100.64.0.1/", "100.64.0.1"],
    ["http://224.0.0.1/", "224.0.0.1"],
  ])("%s is the non-public %s", (url, host) => {
    expect(hostOf(url)).toBe(host);
    expect(isPublicAddress(hostOf(url))).toBe(false);
  });
});

describe("parsers", () => {
  it("read IPv4 and IPv6 text forms exactly", () => {
    expect(parseIpv4("192.168.0.1")).toBe(0xc0a80001n);
    expect(parseIpv4("01.2.3.4")).toBeNull();
    expect(parseIpv6("::")).toBe(0n);
    expect(parseIpv6("::1")).toBe(1n);
    expect(parseIpv6("1::")).toBe(1n << 112n);
    expect(parseIpv6("::ffff:1.2.3.4")).toBe((0xffffn << 32n) | 0x01020304n);
    expect(parseIpv6("1:2:3:4:5:6:1.2.3.4")).toBe(parseIpv6("1:2:3:4:5:6:102:304"));
    expect(parseIpv6("1:2:3:4:5:6:7:8")).toBe(0x00010002000300040005000600070008n);
    expect(parseIpv6("1:2:3:4:5:6:7::")).toBe(0x00010002000300040005000600070000n);
    expect(parseIpv6("1:2:3:4:5:6:7")).toBeNull();
    expect(parseIpv6("1:2:3:4:5:6:7:8::")).toBeNull();
  });
});
