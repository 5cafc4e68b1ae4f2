// Generates the price blocks of knowledge-base/clouds/<cloud>/data.json from public price extracts
// pinned by commit (knowledge-base/sources/extracts.json) and the hand-maintained figures of
// knowledge-base/sources/<cloud>.json (one entry per figure, each with its source and date).
//
//   npm run gen:prices                                   # mirrors where the fetch tool puts them
//   npm run gen:prices -- --aws <git dir> --azure <git dir> --gcp <git dir>
//
// Each extract is read with `git show <commit>:<path>` from the repository's git directory (a bare
// mirror or a clone), so the output depends only on the pinned commits and the hand figures: run it
// twice, get the same bytes. Instance types, regions, disk tiers and SKU names stay as they are in
// data.json; only computePrices, storagePrices, objectStoragePrices and otherPrices are rewritten,
// for every region the cloud lists. There is no --check: the extracts are not in this repository.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { CloudData, OtherPriceBlock, PriceBlock } from '../knowledge-base/catalog.ts';

type CloudName = 'aws' | 'azure' | 'gcp';
const CLOUDS: CloudName[] = ['aws', 'azure', 'gcp'];
const ROOT = new URL('../', import.meta.url);

interface Extract { repo: string; path: string; commit: string; what: string }
interface Figure { kind: 'compute' | 'storage' | 'objectStorage' | 'other'; key?: string; unit: string; price?: number; sameAs?: string; regions: string[]; source: string; date: string }

const extracts = JSON.parse(readFileSync(new URL('knowledge-base/sources/extracts.json', ROOT), 'utf8')) as Record<CloudName, Extract>;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The git directory of a fetched mirror (`/work/.mirror/<owner>+<name>/repo`) or the one given on the command line. */
function gitDir(cloud: CloudName): string {
  const given = argValue(cloud);
  if (given) return given;
  const mirror = `/work/.mirror/${extracts[cloud].repo.replace('/', '+')}/repo`;
  if (!existsSync(mirror)) throw new Error(`no copy of ${extracts[cloud].repo}: fetch it (github:${extracts[cloud].repo}) or pass --${cloud} <git dir>`);
  return mirror;
}

function readExtract(cloud: CloudName): string {
  const e = extracts[cloud];
  return execFileSync('git', ['--git-dir', gitDir(cloud), 'show', `${e.commit}:${e.path}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function source(cloud: CloudName, detail = ''): string {
  const e = extracts[cloud];
  return `${e.what}${detail}, commit ${e.commit}`;
}

// ---- parsers: each returns region -> type -> hourly price, and the extract's own date ----

type RegionPrices = Map<string, Map<string, number>>;

/** `var InitialOnDemandPricesAWS = map[string]map[ec2types.InstanceType]float64{ "us-east-1": { "m6i.large": 0.096, ... } }` */
function parseAws(text: string): { prices: RegionPrices; date: string } {
  const prices: RegionPrices = new Map();
  let region: Map<string, number> | undefined;
  for (const line of text.split('\n')) {
    const open = /^\t"([a-z0-9-]+)": \{$/.exec(line);
    if (open) { region = new Map(); prices.set(open[1]!, region); continue; }
    if (/^\t\},?$/.test(line)) { region = undefined; continue; }
    if (region) for (const m of line.matchAll(/"([a-z0-9.-]+)": ([0-9.]+)/g)) region.set(m[1]!, Number(m[2]));
  }
  return { prices, date: dateOf(/generated at (\d{4}-\d{2}-\d{2})/.exec(text)?.[1]) };
}

/** `initialOnDemandPrices["eastus"] = map[string]float64{ "Standard_D2s_v5": 0.096, ... }` */
function parseAzure(text: string): { prices: RegionPrices; date: string } {
  const prices: RegionPrices = new Map();
  let region: Map<string, number> | undefined;
  for (const line of text.split('\n')) {
    const open = /initialOnDemandPrices\["([a-z0-9]+)"\] = map\[string\]float64\{/.exec(line);
    if (open) { region = new Map(); prices.set(open[1]!, region); continue; }
    if (/^\t\}$/.test(line)) { region = undefined; continue; }
    const m = region && /^\s*"([^"]+)":\s*([0-9.]+),/.exec(line);
    if (m) region!.set(m[1]!, Number(m[2]));
  }
  return { prices, date: dateOf(/generated at (\d{4}-\d{2}-\d{2})/.exec(text)?.[1]) };
}

interface GcpYaml {
  about: { generated: string };
  compute: {
    instance: Record<string, { cost: Record<string, { hour: number }> }>;
    storage: Record<string, { cost: Record<string, { month: number }> }>;
    network: {
      ip: { vm: { cost: Record<string, { hour: number }> } };
      nat: { gateway: { cost: Record<string, { hour: number }> }; data: { cost: Record<string, { month: number }> } };
      traffic: { egress: { internet: { cost: Record<string, Record<string, { month: number }>> } } };
    };
  };
  storage: { bucket: Record<string, { cost: Record<string, { month: number }> }> };
}

function dateOf(s: string | undefined): string {
  if (!s) throw new Error('the extract names no generation date');
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new Error(`unreadable date "${s}"`);
  return d.toISOString().slice(0, 10);
}

// ---- block building ----

/** Regions with identical price maps share one block; blocks ordered by their first region's place in data.json. */
function groupBlocks(perRegion: Map<string, Record<string, number>>, order: string[], meta: { source: string; date: string; unit: string }): PriceBlock[] {
  const groups = new Map<string, { regions: string[]; prices: Record<string, number> }>();
  for (const region of order) {
    const prices = perRegion.get(region);
    if (!prices || Object.keys(prices).length === 0) continue;
    const key = JSON.stringify(prices);
    const g = groups.get(key) ?? { regions: [], prices };
    g.regions.push(region);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({ regions: g.regions, source: meta.source, date: meta.date, unit: meta.unit, prices: g.prices }));
}

/** Hand figures of one kind, grouped by source, date, unit and region set, in file order. */
function figureBlocks(figures: Figure[], kind: Figure['kind']): PriceBlock[] {
  const blocks = new Map<string, PriceBlock>();
  for (const f of figures.filter((x) => x.kind === kind)) {
    if (f.sameAs) { blocks.set(`sameAs:${f.source}:${f.regions}`, { regions: f.regions, source: f.source, date: f.date, sameAs: f.sameAs, unit: f.unit }); continue; }
    if (!f.key || !(f.price! > 0)) throw new Error(`${kind} figure for ${f.regions.join(', ')} needs a key and a positive price`);
    const id = JSON.stringify([f.source, f.date, f.unit, f.regions]);
    const b = blocks.get(id) ?? { regions: f.regions, source: f.source, date: f.date, unit: f.unit, prices: {} };
    b.prices![f.key] = f.price!;
    blocks.set(id, b);
  }
  return [...blocks.values()];
}

/** Other prices per region (key -> unit, price, source, date), then grouped into blocks of one source and date. */
type OtherEntry = { key: string; unit: string; price: number; source: string; date: string };
function otherBlocks(entries: Map<string, OtherEntry[]>, order: string[]): OtherPriceBlock[] {
  const blocks = new Map<string, OtherPriceBlock>();
  for (const region of order) {
    const list = entries.get(region) ?? [];
    const bySource = new Map<string, OtherEntry[]>();
    for (const e of list) bySource.set(`${e.source}\u0000${e.date}`, [...(bySource.get(`${e.source}\u0000${e.date}`) ?? []), e]);
    for (const [id, es] of bySource) {
      const prices = Object.fromEntries(es.sort((a, b) => a.key.localeCompare(b.key)).map((e) => [e.key, { unit: e.unit, price: e.price }]));
      const key = `${id}\u0000${JSON.stringify(prices)}`;
      const b = blocks.get(key) ?? { regions: [], source: es[0]!.source, date: es[0]!.date, prices };
      b.regions.push(region);
      blocks.set(key, b);
    }
  }
  return [...blocks.values()];
}

function addOther(entries: Map<string, OtherEntry[]>, region: string, e: OtherEntry): void {
  const list = entries.get(region) ?? [];
  if (list.some((x) => x.key === e.key)) throw new Error(`two ${e.key} figures for ${region}`);
  list.push(e);
  entries.set(region, list);
}

// ---- per cloud ----

function generate(cloud: CloudName, data: CloudData, figures: Figure[]): CloudData {
  const regions = data.regions.map((r) => r.name);
  const types = data.instanceTypes.types.map((t) => t.name);
  const computeBlocks: PriceBlock[] = [];
  const storage: PriceBlock[] = [];
  const objects: PriceBlock[] = [];
  const other = new Map<string, OtherEntry[]>();
  const pick = (prices: Map<string, number> | undefined) => Object.fromEntries(types.filter((t) => prices?.has(t)).map((t) => [t, prices!.get(t)!]));

  if (cloud === 'aws' || cloud === 'azure') {
    const { prices, date } = cloud === 'aws' ? parseAws(readExtract('aws')) : parseAzure(readExtract('azure'));
    const perRegion = new Map(regions.map((r) => [r, pick(prices.get(r))]));
    computeBlocks.push(...groupBlocks(perRegion, regions, { source: source(cloud), date, unit: 'hour' }));
  } else {
    const y = parseYaml(readExtract('gcp'), { maxAliasCount: -1 }) as GcpYaml;
    const date = dateOf(y.about.generated);
    const perRegion = new Map(regions.map((r) => [r, Object.fromEntries(types.filter((t) => y.compute.instance[t]?.cost[r]?.hour).map((t) => [t, y.compute.instance[t]!.cost[r]!.hour]))]));
    computeBlocks.push(...groupBlocks(perRegion, regions, { source: source('gcp', ' (compute.instance.<type>.cost.<region>.hour)'), date, unit: 'hour' }));
    const disk = data.diskSkus.ssd!;
    const diskKey = Object.keys(y.compute.storage).find((k) => (y.compute.storage[k] as { type?: string }).type === disk) ?? 'ssd';
    storage.push(...groupBlocks(new Map(regions.map((r) => [r, y.compute.storage[diskKey]?.cost[r] ? { [disk]: y.compute.storage[diskKey]!.cost[r]!.month } : {}])), regions, { source: source('gcp', ` (compute.storage.${diskKey}, type ${disk}, month)`), date, unit: 'GiB-month' }));
    const cls = data.objectStorageClass;
    objects.push(...groupBlocks(new Map(regions.map((r) => [r, y.storage.bucket[cls.toLowerCase()]?.cost[r] ? { [cls]: y.storage.bucket[cls.toLowerCase()]!.cost[r]!.month } : {}])), regions, { source: source('gcp', ` (storage.bucket.${cls.toLowerCase()}, month)`), date, unit: 'GiB-month' }));
    const net = y.compute.network;
    for (const r of regions) {
      const ip = net.ip.vm.cost[r]?.hour;
      if (ip) addOther(other, r, { key: 'public-ipv4', unit: 'hour', price: ip, source: source('gcp', ' (compute.network.ip.vm: external IPv4 address in use by a VM, hour)'), date });
      // pricing.yml stores the gateway's per-hour cap (its per-VM-hour SKU times 32, see build/pricing.pl); Cloud NAT bills per VM-hour up to 32 VMs.
      const nat = net.nat.gateway.cost[r]?.hour;
      if (nat) addOther(other, r, { key: 'nat-gateway', unit: 'VM-hour', price: Math.round((nat / 32) * 1e6) / 1e6, source: source('gcp', ' (compute.network.nat.gateway: the hourly cap for 32 or more VMs, divided by 32 for the per-VM-hour rate)'), date });
      const natData = net.nat.data.cost[r]?.month;
      if (natData) addOther(other, r, { key: 'nat-data', unit: 'GB', price: natData, source: source('gcp', ' (compute.network.nat.data, per GB processed)'), date });
      const egress = net.traffic.egress.internet.cost['0-1']?.[r]?.month;
      if (egress) addOther(other, r, { key: 'internet-egress', unit: 'GB', price: egress, source: source('gcp', ' (compute.network.traffic.egress.internet, first TB per month, worldwide destinations excluding China and Australia)'), date });
    }
  }

  computeBlocks.push(...figureBlocks(figures, 'compute'));
  storage.push(...figureBlocks(figures, 'storage'));
  objects.push(...figureBlocks(figures, 'objectStorage'));
  for (const f of figures.filter((x) => x.kind === 'other')) {
    for (const r of f.regions) {
      if (!regions.includes(r)) throw new Error(`${cloud}: figure ${f.key} names region ${r}, which data.json does not list`);
      addOther(other, r, { key: f.key!, unit: f.unit, price: f.price!, source: f.source, date: f.date });
    }
  }
  for (const b of [...computeBlocks, ...storage, ...objects]) for (const r of b.regions) if (!regions.includes(r)) throw new Error(`${cloud}: a block names region ${r}, which data.json does not list`);

  // Keep the key order of data.json: only the four price lists change.
  return { ...data, computePrices: computeBlocks, storagePrices: storage, objectStoragePrices: objects, otherPrices: otherBlocks(other, regions) };
}

for (const cloud of CLOUDS) {
  const file = new URL(`knowledge-base/clouds/${cloud}/data.json`, ROOT);
  const data = JSON.parse(readFileSync(file, 'utf8')) as CloudData;
  const { figures } = JSON.parse(readFileSync(new URL(`knowledge-base/sources/${cloud}.json`, ROOT), 'utf8')) as { figures: Figure[] };
  const next = generate(cloud, data, figures);
  // A figure now priced is no longer "unpriced" (Azure Key Vault secrets).
  const pricedKeys = new Set(next.otherPrices.flatMap((b) => Object.keys(b.prices)));
  if (next.unpriced) {
    next.unpriced = Object.fromEntries(Object.entries(next.unpriced).filter(([k]) => !pricedKeys.has(k)));
    if (Object.keys(next.unpriced).length === 0) delete next.unpriced;
  }
  const text = `${JSON.stringify(next, null, 2)}\n`;
  writeFileSync(file, text);
  process.stdout.write(`wrote knowledge-base/clouds/${cloud}/data.json (${next.computePrices.length} compute, ${next.storagePrices.length} disk, ${next.objectStoragePrices.length} object storage, ${next.otherPrices.length} other price blocks)\n`);
}
