import ipaddr from 'ipaddr.js';

export type CidrCheck = { ok: true; version: 4 | 6; prefix: number } | { ok: false; message: string };

/** An address, a slash and up to three digits, and nothing else: no spaces, no line breaks. */
const SHAPE = /^([^/\s]+)\/(\d{1,3})$/;
/** IPv6 as hexadecimal groups and colons only (no zone index, no embedded dotted IPv4). */
const IPV6_TEXT = /^[0-9a-fA-F:]+$/;

export function parseCidr(text: string): CidrCheck {
  const m = SHAPE.exec(text);
  if (!m) {
    if (/\s/.test(text)) return { ok: false, message: `${JSON.stringify(text)} contains spaces or line breaks: write only the address and the prefix length, e.g. 10.0.0.0/8` };
    return { ok: false, message: `"${text}" is not a CIDR block: write an address and a prefix length, e.g. 10.0.0.0/8 or 203.0.113.7/32` };
  }
  const [, addr, p] = m as unknown as [string, string, string];
  const prefix = Number(p);
  if (p.length > 1 && p.startsWith('0')) return { ok: false, message: `prefix /${p} in "${text}" has a leading zero: write /${prefix}` };
  if (addr.includes(':')) {
    if (!IPV6_TEXT.test(addr) || !ipaddr.IPv6.isValid(addr)) return { ok: false, message: `"${text}" is not a valid IPv6 CIDR block` };
    if (prefix > 128) return { ok: false, message: `prefix /${prefix} in "${text}" is longer than 128 bits` };
    const network = ipaddr.IPv6.networkAddressFromCIDR(`${addr}/${prefix}`);
    if (network.toNormalizedString() !== ipaddr.IPv6.parse(addr).toNormalizedString()) {
      return { ok: false, message: `"${text}" has host bits set: the network is ${network.toRFC5952String()}/${prefix}` };
    }
    return { ok: true, version: 6, prefix };
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(addr)) {
    const leadingZero = /^\d{1,3}(\.\d{1,3}){3}$/.test(addr) && addr.split('.').every((o) => Number(o) <= 255);
    if (leadingZero) return { ok: false, message: `"${text}" is not a valid IPv4 CIDR block: write each of the four numbers without leading zeros (some tools read 010 as 8)` };
    return { ok: false, message: `"${text}" is not a valid IPv4 CIDR block: each of the four numbers must be 0-255` };
  }
  if (prefix > 32) return { ok: false, message: `prefix /${prefix} in "${text}" is longer than 32 bits` };
  const network = ipaddr.IPv4.networkAddressFromCIDR(`${addr}/${prefix}`).toString();
  if (network !== addr) return { ok: false, message: `"${text}" has host bits set: the network is ${network}/${prefix}` };
  return { ok: true, version: 4, prefix };
}

/** True for a block that covers every address of its family (0.0.0.0/0, ::/0, 0:0::/0, …). */
export function isOpenToInternet(text: string): boolean {
  const m = SHAPE.exec(text);
  if (!m || Number(m[2]) !== 0) return false;
  const addr = m[1]!;
  return addr.includes(':') ? IPV6_TEXT.test(addr) && ipaddr.IPv6.isValid(addr) : ipaddr.IPv4.isValidFourPartDecimal(addr);
}
