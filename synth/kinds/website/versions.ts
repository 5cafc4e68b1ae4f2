// What a Website may run: exactly what its web servers install. The servers run Debian 12
// (bookworm) and take PHP and WordPress from Debian's archive (boot/bootstrap.ts installs
// `php8.2-fpm` and `wordpress=<version>+*`), so the supported versions are Debian 12's, with their
// source; anything else is refused with the version to use. Security fixes come from Debian (the
// security archive, then Debian LTS), not from php.net's or wordpress.org's branch support.

import { DEBIAN_WORDPRESS, SUPPORTED_PHP } from './boot/config.ts';

export interface SupportedVersion {
  version: string;
  /** Last day of security fixes for the servers' package (YYYY-MM-DD). */
  securityUntil: string;
}

/** Debian 12's security support including LTS (https://wiki.debian.org/LTS, read 2026-11-29). */
const DEBIAN_12_UNTIL = '2028-06-30';

export const PHP_VERSIONS = {
  source: 'Debian 12 packages PHP 8.2 (php8.2-fpm, https://packages.debian.org/bookworm/php8.2-fpm); security fixes from Debian until 2028-06-30 (https://wiki.debian.org/LTS)',
  versions: SUPPORTED_PHP.map((version) => ({ version, securityUntil: DEBIAN_12_UNTIL })) satisfies SupportedVersion[],
  default: SUPPORTED_PHP[0] as string,
};

/**
 * WordPress as Debian 12 packages it (`wordpress` 6.1.9+dfsg1-0+deb12u1, with Debian's security
 * updates). A file may write the branch ("6.1") or the exact version ("6.1.9"); the servers
 * install the packaged version either way.
 */
export const WORDPRESS_VERSIONS = {
  source: `Debian 12 packages WordPress ${DEBIAN_WORDPRESS} (https://packages.debian.org/bookworm/wordpress)`,
  versions: [wordpressBranch(DEBIAN_WORDPRESS)],
  /** Exact versions a file may name: only the packaged one. */
  exact: [DEBIAN_WORDPRESS],
  default: DEBIAN_WORDPRESS,
  securityUntil: DEBIAN_12_UNTIL,
};

/** The branch of a WordPress version ("6.8.3" → "6.8"). */
export function wordpressBranch(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** The WordPress version the servers install for a file's `runtime.wordpress` (a branch names its packaged version). */
export function installedWordPress(version: string): string {
  return wordpressBranch(version) === wordpressBranch(DEBIAN_WORDPRESS) ? DEBIAN_WORDPRESS : version;
}
