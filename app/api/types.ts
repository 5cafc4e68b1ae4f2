import type { Hono } from 'hono';
import type { LocalPlatform } from '../local/local-platform.ts';
import type { OAuthConfig } from './oauth.ts';
import type { PoolOptions, ValidationPool } from './validate-pool.ts';
import type { Session, SessionSealer } from './session.ts';

export interface ApiOptions {
  /** Where users reach this server (https://autostack.example.com); the OAuth callback and the CSRF check use it. */
  publicUrl: string;
  /** GitHub's REST API (https://api.github.com or <GHE_PROTOCOL>://<GHE_HOST>/api/v3). */
  apiUrl?: string;
  /** Sign-in: without it the signed-in routes answer 503 with what to configure. */
  oauth?: OAuthConfig;
  sessionSecret?: string;
  templatesDir?: string;
  /** Local mode: the platform on a local git repository instead of GitHub. */
  local?: LocalPlatform;
  /** The worker threads that check files sent to POST /api/validate: a pool, or its options (defaults in validate-pool.ts). */
  validation?: ValidationPool | PoolOptions;
}

export type ApiEnv = { Variables: { session: Session } };
export type ApiApp = Hono<ApiEnv>;

/** What the route groups share, derived once from ApiOptions. */
export interface ApiContext {
  apiUrl: string;
  publicUrl: URL;
  callbackUrl: string;
  secure: boolean;
  oauth?: OAuthConfig;
  sealer?: SessionSealer;
  templatesDir?: string;
  local?: LocalPlatform;
  validation: ValidationPool;
}
