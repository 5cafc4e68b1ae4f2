import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { notConfigured } from './http.ts';
import { authorizeUrl, exchangeCode, newState, safeReturnTo, sameState, STATE_COOKIE, STATE_MINUTES } from './oauth.ts';
import type { OAuthState } from './oauth.ts';
import { SESSION_COOKIE, SESSION_HOURS } from './session.ts';
import type { Session } from './session.ts';
import type { ApiApp, ApiContext } from './types.ts';
import { userOctokit } from './user-octokit.ts';

/**
 * Sign-in with the GitHub App's user authorization (OAuth web flow):
 * 1. /auth/login: a random state in a sealed short-lived cookie, redirect to GitHub
 * 2. /auth/callback: the state must match; the code becomes a user token; GET /user names the user
 * 3. the session (login + token) is sealed into an http-only SameSite=Lax cookie
 */
export function addAuthRoutes(api: ApiApp, ctx: ApiContext): void {
  const { oauth, sealer, secure, callbackUrl } = ctx;

  api.get('/auth/login', (c) => {
    if (!oauth || !sealer) return notConfigured(c);
    const state = newState(c.req.query('return_to'));
    setCookie(c, STATE_COOKIE, sealer.seal(state, 'oauth-state'), { httpOnly: true, secure, sameSite: 'Lax', path: '/api/auth', maxAge: STATE_MINUTES * 60 });
    return c.redirect(authorizeUrl(oauth, state.state, callbackUrl), 302);
  });

  api.get('/auth/callback', async (c) => {
    if (!oauth || !sealer) return notConfigured(c);
    const saved = sealer.open<OAuthState>(getCookie(c, STATE_COOKIE), 'oauth-state');
    deleteCookie(c, STATE_COOKIE, { path: '/api/auth' });
    const state = c.req.query('state') ?? '';
    const code = c.req.query('code') ?? '';
    if (!saved || typeof saved.state !== 'string' || typeof saved.expiresAt !== 'number' || saved.expiresAt < Date.now() || !sameState(saved.state, state)) return c.json({ error: 'The sign-in link expired or did not start here: sign in again.' }, 400);
    if (!code) return c.json({ error: c.req.query('error_description') ?? 'GitHub did not authorize the sign-in.' }, 400);
    const exchanged = await exchangeCode(oauth, code, callbackUrl);
    if ('error' in exchanged) return c.json({ error: `GitHub refused the sign-in: ${exchanged.error}` }, 400);
    const user = await userOctokit(exchanged.token, ctx.apiUrl).request('GET /user');
    const hours = Math.min(SESSION_HOURS, (exchanged.expiresIn ?? SESSION_HOURS * 3600) / 3600);
    const session: Session = { login: String(user.data.login), token: exchanged.token, expiresAt: Date.now() + hours * 3600_000 };
    setCookie(c, SESSION_COOKIE, sealer.seal(session, 'session'), { httpOnly: true, secure, sameSite: 'Lax', path: '/', maxAge: Math.floor(hours * 3600) });
    return c.redirect(safeReturnTo(saved.returnTo), 302);
  });

  api.post('/auth/logout', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ signedIn: false });
  });

  api.get('/me', (c) => {
    const s = sealer?.openSession(getCookie(c, SESSION_COOKIE));
    if (ctx.local) return c.json({ signedIn: false, signInAvailable: false, local: { repo: ctx.local.repo, path: ctx.local.git.dir } });
    if (!s) return c.json({ signedIn: false, signInAvailable: Boolean(oauth && sealer) });
    return c.json({ signedIn: true, login: s.login });
  });
}
