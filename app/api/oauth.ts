import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The GitHub App's user authorization (OAuth web flow): client id and secret from the App's settings. */
export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  /** https://github.com, or <GHE_PROTOCOL>://<GHE_HOST> */
  webUrl: string;
}

export const STATE_COOKIE = 'autostack_oauth';
export const STATE_MINUTES = 10;

export interface OAuthState {
  state: string;
  returnTo: string;
  expiresAt: number;
}

export function newState(returnTo: string | undefined): OAuthState {
  return { state: randomBytes(24).toString('base64url'), returnTo: safeReturnTo(returnTo), expiresAt: Date.now() + STATE_MINUTES * 60_000 };
}

/** Control characters (browsers drop tabs and line breaks from a Location), bidi controls, spaces and backslashes. */
const UNSAFE_IN_PATH = /[\u0000-\u0020\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\\]/;
/** The same once percent-decoded, where a space is harmless (`/plans/a%20b`). */
const UNSAFE_DECODED = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\\]/;
const SITE = 'https://autostack.invalid';

/**
 * Only same-origin paths: `/dashboard` yes; `//evil.example`, `https://…`, `/\tevil` (a browser drops the
 * tab and reads `//evil`), `/\\evil`, `/.//evil` no (no open redirect). The path is parsed with the URL
 * API against a fixed origin and must stay on it; what is returned is the parsed, normalised path.
 */
export function safeReturnTo(v: string | undefined, fallback = '/dashboard'): string {
  if (!v || v.length > 2048 || !v.startsWith('/') || v.startsWith('//') || UNSAFE_IN_PATH.test(v)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(v);
  } catch {
    return fallback;
  }
  if (UNSAFE_DECODED.test(decoded) || decoded.startsWith('//')) return fallback;
  let u: URL;
  try {
    u = new URL(v, SITE);
  } catch {
    return fallback;
  }
  if (u.origin !== SITE || !u.pathname.startsWith('/') || u.pathname.startsWith('//')) return fallback;
  const path = `${u.pathname}${u.search}${u.hash}`;
  return path.startsWith('//') || path.includes('\\') ? fallback : path;
}

export function sameState(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function authorizeUrl(c: OAuthConfig, state: string, redirectUri: string): string {
  const u = new URL('/login/oauth/authorize', c.webUrl);
  u.searchParams.set('client_id', c.clientId);
  u.searchParams.set('redirect_uri', redirectUri);
  u.searchParams.set('state', state);
  u.searchParams.set('allow_signup', 'true');
  return u.toString();
}

/** Exchanges the callback's code for a user access token; GitHub reports failures in a 200 body. */
export async function exchangeCode(c: OAuthConfig, code: string, redirectUri: string): Promise<{ token: string; expiresIn?: number } | { error: string }> {
  const res = await fetch(new URL('/login/oauth/access_token', c.webUrl), {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', 'user-agent': 'autostack' },
    body: JSON.stringify({ client_id: c.clientId, client_secret: c.clientSecret, code, redirect_uri: redirectUri }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
  if (!res.ok || !body.access_token) return { error: body.error_description ?? body.error ?? `GitHub answered ${res.status}` };
  return { token: body.access_token, ...(body.expires_in ? { expiresIn: body.expires_in } : {}) };
}
