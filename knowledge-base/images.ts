import imagesData from './data/images.json' with { type: 'json' };
import { cloudKnowledge } from './clouds/registry.ts';
import type { Arch, CloudId } from './types.ts';

export type Distro = 'amazon-linux' | 'ubuntu' | 'debian' | 'rocky';

export interface ImageRef {
  distro: Distro;
  version: string;
  /** How the cloud finds the image: an SSM parameter, AMI owner+name, marketplace URN or image family. */
  ref: Record<string, string | boolean>;
  /** deb or rpm: how packages are installed on it. */
  packaging: 'deb' | 'rpm';
  loginUser: string;
  source: string;
}

export type ImageChoice =
  | { ok: true; image: ImageRef; substituted?: string }
  | { ok: false; message: string };

type Entry = Record<string, unknown> & { family: 'deb' | 'rpm'; user: string; arch?: Record<string, string> };

/** A cloud's images.json: per distro and version, how the cloud finds the image; and its default distro. */
export type CloudImages = { date: string; source: string; defaultDistro: string } & Record<string, unknown>;

function imagesOf(cloud: CloudId): Record<string, unknown> {
  return cloudKnowledge(cloud).images;
}

export function defaultDistro(cloud: CloudId): Distro {
  return cloudKnowledge(cloud).images.defaultDistro as Distro;
}

export function latestVersion(distro: Distro): string {
  return (imagesData.latest as Record<Distro, string>)[distro];
}

export function knownVersions(cloud: CloudId, distro: Distro): string[] {
  return Object.keys((imagesOf(cloud)[distro] as Record<string, Entry> | undefined) ?? {});
}

/** The image for a distro/version/arch on a cloud; a distro the cloud lacks gets its closest equivalent. */
export function chooseImage(cloud: CloudId, distro: Distro, version: string, arch: Arch): ImageChoice {
  const perCloud = imagesOf(cloud);
  let d = distro;
  let v = version;
  let substituted: string | undefined;
  if (!perCloud[d] || (['source', 'date', 'defaultDistro'] as string[]).includes(d)) {
    const sub = (imagesData.substitutes as Record<string, { distro: Distro; version: string; why: string }>)[d];
    if (!sub) return { ok: false, message: `${distro} is not available on ${cloud}` };
    substituted = `${distro} ${version} is not available on ${cloud}: using ${sub.distro} ${sub.version} (${sub.why}).`;
    d = sub.distro;
    v = sub.version;
  }
  const entry = (perCloud[d] as Record<string, Entry>)[v];
  if (!entry) {
    return { ok: false, message: `${d} ${v} is not offered on ${cloud}; known versions: ${knownVersions(cloud, d).join(', ')}` };
  }
  const ref: Record<string, string | boolean> = {};
  for (const [k, val] of Object.entries(entry)) {
    if (k === 'family' || k === 'user' || k === 'arch') continue;
    ref[k] = typeof val === 'string' ? val.replace('{arch}', entry.arch?.[arch] ?? arch) : (val as boolean);
  }
  return { ok: true, substituted, image: { distro: d, version: v, ref, packaging: entry.family, loginUser: entry.user, source: String(perCloud.source) } };
}
