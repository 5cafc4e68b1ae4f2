import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** What the session cookie holds: the user's GitHub token never leaves the server unencrypted. */
export interface Session {
  login: string;
  token: string;
  expiresAt: number;
}

export const SESSION_COOKIE = 'autostack_session';
export const SESSION_HOURS = 8;

/**
 * What a sealed cookie is for. Each purpose has its own key (derived from SESSION_SECRET with HKDF)
 * and is bound into the authentication tag, so a cookie sealed for one purpose never opens as another
 * (the OAuth-state cookie is not a session).
 */
export type SealPurpose = 'session' | 'oauth-state';

/**
 * Cookies sealed with AES-256-GCM: encrypted (the token is unreadable) and authenticated
 * (a modified cookie fails to open), keyed from SESSION_SECRET, one key per purpose.
 */
export class SessionSealer {
  private readonly keys: Record<SealPurpose, Buffer>;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters');
    const ikm = createHash('sha256').update(secret).digest();
    const derive = (purpose: SealPurpose) => Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), `autostack cookie: ${purpose}`, 32));
    this.keys = { session: derive('session'), 'oauth-state': derive('oauth-state') };
  }

  seal(value: object, purpose: SealPurpose): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[purpose], iv);
    cipher.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  open<T>(sealed: string | undefined, purpose: SealPurpose): T | undefined {
    if (!sealed) return undefined;
    try {
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length < 29) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', this.keys[purpose], raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(raw.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }

  /** The signed-in user's session, or undefined: wrong purpose, tampered, malformed or expired. */
  openSession(sealed: string | undefined, now = Date.now()): Session | undefined {
    const s = this.open<Partial<Session>>(sealed, 'session');
    if (!s || typeof s.login !== 'string' || !s.login || typeof s.token !== 'string' || !s.token || typeof s.expiresAt !== 'number' || s.expiresAt < now) return undefined;
    return { login: s.login, token: s.token, expiresAt: s.expiresAt };
  }
}
