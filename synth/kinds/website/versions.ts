// What a Website may run: PHP and WordPress versions with their support windows and where they
// are stated. A version past its end of security support is refused; one ending within 90 days is
// flagged.

export interface SupportedVersion {
  version: string;
  /** Last day of security fixes (YYYY-MM-DD). */
  securityUntil: string;
}

export const PHP_VERSIONS = {
  source: 'https://www.php.net/supported-versions.php (read 2026-11-29)',
  versions: [
    { version: '8.1', securityUntil: '2025-12-31' },
    { version: '8.2', securityUntil: '2026-12-31' },
    { version: '8.3', securityUntil: '2027-12-31' },
    { version: '8.4', securityUntil: '2028-12-31' },
    { version: '8.5', securityUntil: '2029-12-31' },
  ] satisfies SupportedVersion[],
  default: '8.4',
};

/**
 * WordPress supports the latest major release; security fixes are backported to older branches
 * as a courtesy only, so the review flags any but the latest two. 6.1 stays on the list: it is
 * what Debian 12 packages (6.1.x with Debian's security updates), which the servers install.
 */
export const WORDPRESS_VERSIONS = {
  source: 'https://wordpress.org/download/releases/ and https://make.wordpress.org/core/handbook/about/release-cycle/ (read 2026-11-29)',
  versions: ['6.1', '6.2', '6.3', '6.4', '6.5', '6.6', '6.7', '6.8', '6.9'],
  default: '6.9',
};

/** The branch of a WordPress version ("6.8.3" → "6.8"). */
export function wordpressBranch(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}
