export type CidrCheck = { ok: true; version: 4 | 6; prefix: number } | { ok: false; message: string };

export function parseCidr(text: string): CidrCheck {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) return { ok: false, message: `"${text}" is not a CIDR block: write an address and a prefix length, e.g. 10.0.0.0/8 or 203.0.113.7/32` };
  const [, addr, p] = m as unknown as [string, string, string];
  const prefix = Number(p);
  if (addr.includes(':')) {
    if (!/^[0-9a-fA-F:]+$/.test(addr) || (addr.match(/::/g)?.length ?? 0) > 1 || addr.split(':').length > 8) return { ok: false, message: `"${text}" is not a valid IPv6 CIDR block` };
    if (prefix > 128) return { ok: false, message: `prefix /${prefix} in "${text}" is longer than 128 bits` };
    return { ok: true, version: 6, prefix };
  }
  const octets = addr.split('.');
  if (octets.length !== 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255)) return { ok: false, message: `"${text}" is not a valid IPv4 CIDR block: each of the four numbers must be 0-255` };
  if (prefix > 32) return { ok: false, message: `prefix /${prefix} in "${text}" is longer than 32 bits` };
  const value = octets.reduce((acc, o) => acc * 256 + Number(o), 0);
  const hostBits = 32 - prefix;
  if (hostBits > 0 && value % 2 ** hostBits !== 0) {
    const network = Math.floor(value / 2 ** hostBits) * 2 ** hostBits;
    const fixed = [24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join('.');
    return { ok: false, message: `"${text}" has host bits set: the network is ${fixed}/${prefix}` };
  }
  return { ok: true, version: 4, prefix };
}

export function isOpenToInternet(text: string): boolean {
  return /^0\.0\.0\.0\/0$|^::\/0$/.test(text.trim());
}
