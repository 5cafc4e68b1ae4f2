import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** What the session cookie holds: the user's GitHub token never leaves the server unencrypted. */
export interface Session {
  login: string;
  token: string;
  expiresAt: number;
}

export const SESSION_COOKIE = 'autostack_session';
export const SESSION_HOURS = 8;

/**
 * Session cookies sealed with AES-256-GCM: encrypted (the token is unreadable) and authenticated
 * (a modified cookie fails to open), keyed from SESSION_SECRET.
 */
export class SessionSealer {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters');
    this.key = createHash('sha256').update(secret).digest();
  }

  seal(value: object): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  open<T>(sealed: string | undefined): T | undefined {
    if (!sealed) return undefined;
    try {
      const raw = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }
}
