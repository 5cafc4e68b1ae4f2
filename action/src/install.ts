import { createHash } from 'node:crypto';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import * as tc from '@actions/tool-cache';

const PLATFORM: Partial<Record<NodeJS.Platform, string>> = { linux: 'linux', darwin: 'darwin', win32: 'windows' };
const ARCH: Partial<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };

export function onPath(name: string, path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).filter(Boolean).some((dir) => {
    try {
      accessSync(join(dir, process.platform === 'win32' ? `${name}.exe` : name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function releaseUrls(version: string, platform: string = process.platform, arch: string = process.arch): { zip: string; sums: string; file: string } {
  const os = PLATFORM[platform as NodeJS.Platform];
  const cpu = ARCH[arch];
  if (!os || !cpu) throw new Error(`Terraform has no release for ${platform}/${arch}: use a Linux, macOS or Windows runner.`);
  const file = `terraform_${version}_${os}_${cpu}.zip`;
  const base = `https://releases.hashicorp.com/terraform/${version}`;
  return { zip: `${base}/${file}`, sums: `${base}/terraform_${version}_SHA256SUMS`, file };
}

/**
 * Terraform on PATH, or the requested version from the runner's tool cache, or downloaded from
 * releases.hashicorp.com and checked against the release's SHA256SUMS before it is used.
 */
export async function ensureTerraform(version: string, addPath: (dir: string) => void, log: (l: string) => void): Promise<void> {
  if (onPath('terraform')) return;
  const cached = tc.find('terraform', version);
  if (cached) {
    addPath(cached);
    return;
  }
  const urls = releaseUrls(version);
  log(`Installing Terraform ${version} from ${urls.zip}`);
  const zip = await tc.downloadTool(urls.zip);
  const sums = readFileSync(await tc.downloadTool(urls.sums), 'utf8');
  const expected = sums.split('\n').map((l) => l.trim().split(/\s+/)).find(([, f]) => f === urls.file)?.[0];
  const actual = createHash('sha256').update(readFileSync(zip)).digest('hex');
  if (!expected || expected !== actual) throw new Error(`The Terraform ${version} download does not match its published SHA256 checksum: refusing to run it.`);
  addPath(await tc.cacheDir(await tc.extractZip(zip), 'terraform', version));
}
