import '../synth/node.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coversWholeInternet, isOpenToInternet, parseCidr } from '../synth/core/validate/cidr.ts';
import { serverConfigDocument } from '../synth/kinds/plan/boot/config.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import { plan } from './helpers.ts';

const message = (text: string) => {
  const c = parseCidr(text);
  return c.ok ? undefined : c.message;
};

describe('CIDR blocks', () => {
  it('accepts IPv4 and IPv6 networks with their version and prefix', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ ok: true, version: 4, prefix: 8 });
    expect(parseCidr('203.0.113.7/32')).toEqual({ ok: true, version: 4, prefix: 32 });
    expect(parseCidr('0.0.0.0/0')).toEqual({ ok: true, version: 4, prefix: 0 });
    expect(parseCidr('2001:db8::/32')).toEqual({ ok: true, version: 6, prefix: 32 });
    expect(parseCidr('2001:DB8:0:0::/64')).toEqual({ ok: true, version: 6, prefix: 64 });
    expect(parseCidr('::/0')).toEqual({ ok: true, version: 6, prefix: 0 });
    expect(parseCidr('::1/128')).toEqual({ ok: true, version: 6, prefix: 128 });
    expect(parseCidr('1:2:3:4:5:6:7:8/128')).toEqual({ ok: true, version: 6, prefix: 128 });
  });

  it('rejects anything that is not exactly an address and a prefix: whitespace and line breaks included', () => {
    for (const text of ['10.0.0.0/8\n', ' 10.0.0.0/8', '10.0.0.0/8 ', '10.0.0.0 /8', '10.0.0.0/\t8', '::/0\n']) {
      expect(message(text), JSON.stringify(text)).toContain('contains spaces or line breaks');
    }
    expect(message('10.0.0.0/8\n')).toBe('"10.0.0.0/8\\n" contains spaces or line breaks: write only the address and the prefix length, e.g. 10.0.0.0/8');
    for (const text of ['nonsense', '10.0.0.0', '10.0.0.0/', '/8', '10.0.0.0/8/8', '10.0.0.0/1234', '10.0.0.0/-1', '']) {
      expect(message(text), text).toBe(`"${text}" is not a CIDR block: write an address and a prefix length, e.g. 10.0.0.0/8 or 203.0.113.7/32`);
    }
  });

  it('rejects prefix lengths with leading zeros', () => {
    expect(message('0.0.0.0/00')).toBe('prefix /00 in "0.0.0.0/00" has a leading zero: write /0');
    expect(message('10.0.0.0/08')).toBe('prefix /08 in "10.0.0.0/08" has a leading zero: write /8');
    expect(message('2001:db8::/032')).toContain('has a leading zero');
  });

  it('rejects malformed IPv4 addresses and prefixes longer than 32 bits', () => {
    for (const text of ['256.0.0.0/8', '10.0.0/8', '10.0.0.0.0/8', '0x0a.0.0.0/8', 'nonsense/8', '10.0.0.-1/8']) {
      expect(message(text), text).toBe(`"${text}" is not a valid IPv4 CIDR block: each of the four numbers must be 0-255`);
    }
    expect(message('010.0.0.0/8')).toContain('without leading zeros');
    expect(message('10.0.0.0/33')).toBe('prefix /33 in "10.0.0.0/33" is longer than 32 bits');
  });

  it('rejects malformed IPv6 addresses and prefixes longer than 128 bits', () => {
    for (const text of [':::/0', '12345::/64', '1::2::3/64', '1:2:3:4:5:6:7:8:9/128', '1:2:3:4:5:6:7/128', 'fe80::1%eth0/64', '::ffff:1.2.3.4/128', 'g::/16', ':/0', '2001:db8:/32']) {
      expect(message(text), text).toBe(`"${text}" is not a valid IPv6 CIDR block`);
    }
    expect(message('::/129')).toBe('prefix /129 in "::/129" is longer than 128 bits');
  });

  it('reports host bits set, naming the network, for IPv4 and IPv6 alike', () => {
    expect(message('10.0.0.1/8')).toBe('"10.0.0.1/8" has host bits set: the network is 10.0.0.0/8');
    expect(message('192.168.10.200/25')).toBe('"192.168.10.200/25" has host bits set: the network is 192.168.10.128/25');
    expect(message('2001:db8::1/32')).toBe('"2001:db8::1/32" has host bits set: the network is 2001:db8::/32');
    expect(message('2001:db8:abcd:12ff::/56')).toBe('"2001:db8:abcd:12ff::/56" has host bits set: the network is 2001:db8:abcd:1200::/56');
    expect(message('::1/0')).toBe('"::1/0" has host bits set: the network is ::/0');
  });

  it('accepts every IPv4 network address with its prefix, and finds the host bits of any other address', () => {
    const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
    fc.assert(fc.property(octets, fc.integer({ min: 0, max: 32 }), (o, prefix) => {
      const value = o.reduce((acc, x) => acc * 256 + x, 0);
      const size = 2 ** (32 - prefix);
      const network = Math.floor(value / size) * size;
      const dotted = (v: number) => [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join('.');
      expect(parseCidr(`${dotted(network)}/${prefix}`)).toEqual({ ok: true, version: 4, prefix });
      if (value !== network) expect(message(`${dotted(value)}/${prefix}`)).toContain(`the network is ${dotted(network)}/${prefix}`);
    }));
  });

  it('knows a block open to the whole internet in any spelling', () => {
    for (const text of ['0.0.0.0/0', '::/0', '::0/0', '0:0::/0', '0:0:0:0:0:0:0:0/0', '0.0.0.0/00']) expect(isOpenToInternet(text), text).toBe(true);
    for (const text of ['10.0.0.0/8', '0.0.0.0/1', '::/1', '0.0.0.0/0\n', ' ::/0', ':::/0', 'nonsense/0', 'nonsense']) expect(isOpenToInternet(text), text).toBe(false);
  });

  it('refuses control, invisible and bidi characters, and shows them escaped in the message', () => {
    for (const text of ['10.0.0.0/8\u0000', '10.0.0.0\u0000/8', '\u202e10.0.0.0/8', '10.0.0.0/8\u200b', '::/0\u2066', '10.0.0.0/8\u0085', '\ufeff10.0.0.0/8', '10.0.0.0/8\ud800']) {
      const m = message(text)!;
      expect(m, JSON.stringify(text)).toContain('control or invisible characters');
      expect(m, JSON.stringify(text)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]/);
      expect(isOpenToInternet(text)).toBe(false);
    }
  });

  it('knows when several blocks together cover the whole internet', () => {
    expect(coversWholeInternet(['0.0.0.0/1', '128.0.0.0/1'])).toBe('0.0.0.0/0');
    expect(coversWholeInternet(['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/1', '10.0.0.0/8'])).toBe('0.0.0.0/0');
    expect(coversWholeInternet(['::/1', '8000::/1'])).toBe('::/0');
    expect(coversWholeInternet(['0.0.0.0/1', '128.0.0.0/2'])).toBeUndefined();
    expect(coversWholeInternet(['10.0.0.0/8', '::/1'])).toBeUndefined();
    expect(coversWholeInternet(['nonsense', '0.0.0.0/1'])).toBeUndefined();
  });

  it('never writes a malformed block into pg_hba.conf', () => {
    const input = { planName: 'x', role: 'primary' as const, index: 0, dataDiskGiB: 10, settings: [], backup: { enabled: false, onCalendar: '', retentionDays: 7 }, storage: { protocol: 'gcs' as const, bucket: 'b' } };
    expect(serverConfigDocument({ ...input, allowedCidrs: ['10.0.0.0/8'] }).pgHba).toContain('hostssl all all 10.0.0.0/8 scram-sha-256');
    expect(() => serverConfigDocument({ ...input, allowedCidrs: ['10.0.0.0/8\nhost all all 0.0.0.0/0 trust'] })).toThrow(/not a CIDR block|spaces or line breaks/);
  });

  it('turns into review diagnostics: errors for malformed blocks, a warning for the whole internet', () => {
    const settings = resolveSettings(undefined);
    const diags = (cidrs: string) => loadDocument('.autostack/db.yaml', plan('x', `network: { allowedCidrs: [${cidrs}] }`), settings).diagnostics.map((d) => `${d.code} ${d.severity}`);
    expect(diags('"10.0.0.0/8\\n", ":::/0", "12345::/64", "2001:db8::1/32", 0.0.0.0/00')).toEqual(Array(5).fill('plan/cidr error'));
    expect(diags('"::0/0"')).toEqual(['plan/open-to-internet warning']);
    expect(diags('"0:0::/0", 10.0.0.0/8')).toEqual(['plan/open-to-internet warning']);
    expect(diags('0.0.0.0/1, 128.0.0.0/1')).toEqual(['plan/open-to-internet warning']);
    expect(diags('"::/1", "8000::/1", 10.0.0.0/8')).toEqual(['plan/open-to-internet warning']);
  });
});
