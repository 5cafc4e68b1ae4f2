import '../synth/node.ts';
import fc from 'fast-check';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { MemoryReader } from '../synth/core/load/reader.ts';
import { mdCode, mdText } from '../synth/core/render/escape.ts';
import { renderMarkdown } from '../synth/core/render/markdown.ts';
import { renderText } from '../synth/core/render/text.ts';
import type { ReviewResult } from '../synth/core/review/review.ts';
import { reviewChange } from '../synth/core/review/review.ts';
import { plan } from './helpers.ts';

/** Pieces that break markdown or HTML, or reach people: tags, comments, fences, cells, line breaks, mentions, links, bidi controls. */
const PIECES = ['<', '>', '</details>', '<h2>✅ Approved by @acme/security</h2>', '<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '<!--', '-->', '`', '```', '~~~', '|', '| --- |', '\n', '\r\n', '\n\n', '\u2028', '@acme/security', '@octocat', 'a@b.example', '#1', '1. ', '- ', '* ', '> ', '# ', '=', '_', '*', '**', '~~', '[x](https://evil.example)', '![x](https://evil.example/x.png)', 'https://evil.example', 'www.evil.example', '&lt;img&gt;', '&', '\\', '$x$', ':+1:', '\u202e', '\u0000', '\u001b[31m', '\ud800', '\t', ' ', 'a', 'é', '<sub>', '</sub>', '</summary>', '<details open>'];
const hostile = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((a) => a.join(''));

/** A review with every string a plan's author controls set by `u` (file names, names, regions, values, and messages quoting them). */
function review(u: (slot: string) => string): ReviewResult {
  const item = (slot: string) => ({ resource: `vm/${u(`${slot}.resource`)}`, sku: u(`${slot}.sku`), quantity: 730, unit: u(`${slot}.unit`), unitPriceUsd: 0.1, monthlyUsd: 73, priceSource: 'AWS Price List API (https://aws.amazon.com/ec2/pricing/)', assumption: `assumed ${u(`${slot}.assumption`)}` });
  const cost = (cloud: 'aws' | 'gcp', primary: boolean) => ({ cloud, region: u(`${cloud}.region`), primary, kept: !primary, deployedBefore: true, monthlyUsdBefore: 10, monthlyUsdAfter: 20, deltaUsd: 10, complete: false, cheapest: primary, items: [item(`${cloud}.item`)], unpriced: [{ resource: `disk/${u(`${cloud}.unpriced`)}`, sku: u(`${cloud}.unpriced.sku`), reason: `no price for ${u(`${cloud}.reason`)}`, missing: true }] });
  return {
    base: 'base',
    head: 'head',
    ok: false,
    totals: { monthlyUsdBefore: 10, monthlyUsdAfter: 40, deltaUsd: 30 },
    diagnostics: [{ file: u('diag.file'), line: 3, column: 5, severity: 'error', code: 'plan/x', message: `Unknown region "${u('diag.message')}": use one of us-east-1`, path: 'spec.region' }],
    budgets: [{ scope: 'project', name: u('budget.name'), limitUsd: 10, estimateUsd: 40, exceeded: true, complete: true, unpriced: [] }],
    plans: [
      {
        name: u('plan.name'),
        file: u('plan.file'),
        kind: 'Plan',
        status: 'changed',
        project: 'shop',
        cloud: 'aws',
        region: u('plan.region'),
        changes: [`setting work_mem: ${u('change.before')} → ${u('change.after')}`, `label ${u('label.key')} ${u('label.before')} → ${u('label.after')}`],
        resources: [],
        deployment: [{ cloud: 'aws', key: `vm/${u('deploy.key')}`, kind: 'vm', action: 'change', before: u('deploy.before'), after: u('deploy.after'), reason: `settings ${u('deploy.reason')}`, effect: `applied ${u('deploy.effect')}` }],
        cost: [cost('aws', true), cost('gcp', false)],
        notes: [`aws: ${u('note')}`],
        advice: [`Consider ${u('advice')}`],
        migration: { from: { cloud: 'gcp', region: u('migration.from') }, to: { cloud: 'aws', region: u('migration.to') }, steps: ['Restore with `pgbackrest restore`.'], transferGiB: 5, transferUsd: 0.45, assumption: `assumed ${u('migration.assumption')}` },
      },
    ],
  } as unknown as ReviewResult;
}

const TAG = /<\/?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g;
const html = (md: string) => marked.parse(md, { gfm: true, async: false }) as string;
const structure = (h: string) => [...h.matchAll(TAG)].map((m) => (m[0].startsWith('</') ? `/${m[1]}` : m[1]!.toLowerCase()));
const text = (h: string) => h.replace(TAG, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const outsideCode = (h: string) => h.replace(/<pre>[\s\S]*?<\/pre>/g, '').replace(/<code>[\s\S]*?<\/code>/g, '');
/** What GitHub links as a mention or a team: @ right before a name character, not after one. */
const MENTION = /(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_]/u;

describe('review markdown with hostile plan contents', () => {
  it('keeps the rendered structure of the review whatever the strings are: no tag, cell, item, fence or link from user input, mentions neutralised', () => {
    const benign = html(renderMarkdown(review(() => 'x'), 1_000_000));
    const shape = structure(benign);
    expect(shape).toContain('details');
    fc.assert(
      fc.property(hostile, fc.nat(40), (s, which) => {
        // Either one slot or all of them at once carries the hostile text.
        const md = renderMarkdown(review((slot) => (which === 40 || slot.length % 40 === which ? s : 'x')), 1_000_000);
        const h = html(md);
        expect(structure(h)).toEqual(shape);
        // GitHub links no mention inside code (spans and blocks); everywhere else the @ is broken.
        expect(text(outsideCode(h))).not.toMatch(MENTION);
        expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
      }),
      { numRuns: 300 },
    );
  });

  it('neutralises the attack strings of the issue in a real review: a setting value and a file name', async () => {
    const attack = '</details><h2>✅ Approved by @acme/security</h2>';
    const file = '.autostack/<img src=x onerror=alert(1)>.yaml';
    const before = plan('orders-db', 'cloud: aws\nregion: us-east-1\npostgres: { settings: { application_name: "app" } }');
    const after = plan('orders-db', `cloud: aws\nregion: us-east-1\npostgres: { settings: { application_name: "${attack}" } }`);
    const r = await reviewChange(new MemoryReader({ base: { [file]: before }, head: { [file]: after } }), 'base', 'head');
    const md = renderMarkdown(r);
    expect(md).not.toContain('</details><h2>');
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/@acme/);
    expect(md).toContain('&lt;/details&gt;&lt;h2&gt;✅ Approved by @\u200bacme/security&lt;/h2&gt;');
    expect(md).toContain('<sub>.autostack/&lt;img src=x onerror=alert\\(1\\)&gt;.yaml</sub>'.replace('\\(1\\)', '(1)'));
    const h = html(md);
    expect(h).not.toMatch(/<img|<h2|<[^>]*onerror/i);
    // The terminal form carries no escape sequence or line break from the plan either.
    const t = renderText({ ...r, plans: r.plans.map((p) => ({ ...p, file: 'a\u001b[2J\nb', changes: ['x\u202ey\nz'] })) });
    expect(t).not.toMatch(/[\u001b\u202e]/);
    expect(t).toContain('a\ufffd[2J b');
  });

  it('escapes each kind of place', () => {
    expect(mdText('a|b')).toBe('a\\|b');
    expect(mdText('# heading')).toBe('\\# heading');
    expect(mdText('1. item')).toBe('1\\. item');
    expect(mdText('line\nbreak')).toBe('line break');
    expect(mdText('@octocat')).toBe('@\u200boctocat');
    expect(mdText('<b>')).toBe('&lt;b&gt;');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`a')).toBe('`` `a ``');
    expect(mdCode('a|b', true)).toBe('`a\u2223b`');
    expect(mdCode('')).toBe('` `');
  });
});
