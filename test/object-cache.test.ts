import '../synth/node.ts';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OBJECT_CACHE_PHP } from '../synth/kinds/website/boot/object-cache.ts';
import { freePort, processRunner } from './real-process.ts';
import { needTool } from './tools.ts';

/*
 * The object cache drop-in on Debian's real Redis and phpredis, outside WordPress: PHP's CLI loads
 * it with the few WordPress functions it calls stubbed, each run of PHP being one request. The
 * answers are those of WordPress 6.1's own cache (wp-includes/class-wp-object-cache.php); Redis is
 * read back with redis-cli. Redis runs as a normal user (nobody when the tests run as root).
 */

const { sh, ok, running } = processRunner(60_000);
const NEED = needTool('redis-server', 'redis-cli', 'php-redis', 'php', 'openssl');
beforeEach(NEED.guard);

let root = '';
let port = 0;
let tlsPort = 0;
const servers: ChildProcess[] = [];
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

const PRELUDE = `<?php
define('ABSPATH', '/');
function get_current_blog_id() { return 1; }
$wrong = [];
function _doing_it_wrong($function, $message, $version) { $GLOBALS['wrong'][] = "$function: $message"; }
$suspend = false;
function wp_suspend_cache_addition() { return $GLOBALS['suspend']; }
define('WP_REDIS_HOST', getenv('REDIS_HOST'));
define('WP_REDIS_PORT', (int) getenv('REDIS_PORT'));
define('WP_REDIS_SCHEME', getenv('REDIS_SCHEME'));
define('WP_CACHE_KEY_SALT', 'blog:');
require getenv('DROPIN');
// What wp_start_object_cache() does after loading a drop-in.
wp_cache_init();
wp_cache_add_global_groups(['users']);
wp_cache_add_non_persistent_groups(['counts']);
$out = [];
function out($name, $value) { $GLOBALS['out'][$name] = $value; }
register_shutdown_function(function () { echo json_encode($GLOBALS['out'] + ['wrong' => $GLOBALS['wrong']]); });
`;

function startRedis(args: string[]): Promise<void> {
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', root, ...args], { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'], ...asUser });
  servers.push(child);
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${log}`)), 20_000);
    const check = () => {
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearTimeout(timer);
        reject(new Error(`redis-server exited: ${log}`));
      } else setTimeout(check, 50);
    };
    check();
  });
}

/** One request: the prelude and `code` in PHP's CLI; its JSON answers and what it logged. */
async function request(code: string, env: Record<string, string> = {}): Promise<{ out: Record<string, unknown>; log: string }> {
  const file = join(root, `request-${Math.random().toString(36).slice(2)}.php`);
  await writeFile(file, `${PRELUDE}${code}\n`);
  const r = await sh('php', ['-d', 'display_errors=stderr', '-d', 'log_errors=1', '-d', 'error_log=', file], { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(port), REDIS_SCHEME: 'tcp', DROPIN: join(root, 'object-cache.php'), ...env });
  if (r.code !== 0) throw new Error(`php exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return { out: JSON.parse(r.stdout), log: r.stderr };
}

const cli = (...args: string[]) => ok('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
const keys = async (pattern = '*') => (await cli('--scan', '--pattern', pattern)).split('\n').filter(Boolean).sort();

beforeAll(async () => {
  if (!NEED.present) return;
  root = await mkdtemp(join(tmpdir(), 'autostack-object-cache-'));
  await chmod(root, 0o755);
  await writeFile(join(root, 'object-cache.php'), OBJECT_CACHE_PHP);
  [port, tlsPort] = [await freePort(), await freePort()];
  await ok('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(root, 'tls.key'), '-out', join(root, 'tls.crt')]);
  await chmod(join(root, 'tls.key'), 0o644);
  await startRedis(['--port', String(port)]);
  await startRedis(['--port', '0', '--tls-port', String(tlsPort), '--tls-cert-file', join(root, 'tls.crt'), '--tls-key-file', join(root, 'tls.key'), '--tls-ca-cert-file', join(root, 'tls.crt'), '--tls-auth-clients', 'no']);
}, 60_000);

afterAll(async () => {
  for (const child of [...running]) child.kill();
  for (const child of servers) {
    child.kill('SIGCONT');
    child.kill('SIGTERM');
  }
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the object cache drop-in on a real Redis', { timeout: 60_000 }, () => {
  it('answers like WordPress 6.1\'s cache and keeps persistent groups in Redis under <salt><blog or global>:<group>:<key>', async () => {
    const { out, log } = await request(`
out('set', wp_cache_set('k', ['a' => 1], 'posts'));
out('get', wp_cache_get('k', 'posts', false, $found));
out('getFound', $found);
out('missing', wp_cache_get('nope', 'posts', false, $found));
out('missingFound', $found);
wp_cache_set('f', false);
out('falseValue', wp_cache_get('f', '', false, $found));
out('falseFound', $found);
out('addExisting', wp_cache_add('k', 'other', 'posts'));
out('addNew', wp_cache_add('fresh', 'v'));
$suspend = true;
out('addSuspended', wp_cache_add('suspended', 'v'));
$suspend = false;
out('replaceAbsent', wp_cache_replace('absent', 'x'));
out('replace', wp_cache_replace('k', 'y', 'posts'));
$o = new stdClass; $o->x = 1; wp_cache_set('o', $o); $o->x = 2;
$got = wp_cache_get('o'); $got->x = 3;
out('objectCopied', wp_cache_get('o')->x);
out('local', [wp_cache_set('c', 5, 'counts'), wp_cache_get('c', 'counts'), wp_cache_add('c', 6, 'counts'), wp_cache_replace('c', 7, 'counts'), wp_cache_get('c', 'counts'), wp_cache_replace('c2', 1, 'counts')]);
wp_cache_set(1, 'alice', 'users');
wp_cache_set('n', 5);
out('incr', wp_cache_incr('n', 3));
out('decr', wp_cache_decr('n', 10));
wp_cache_set('word', 'abc');
out('incrWord', wp_cache_incr('word'));
out('incrAbsent', wp_cache_incr('absent'));
wp_cache_set('e', 'kept a while', '', 100);
wp_cache_set('e1', 'gone soon', '', 1);
out('emptyKey', wp_cache_set('', 'x'));
out('nullKey', wp_cache_get(null));
out('getMultiple', wp_cache_get_multiple(['k', 'nope', 'n'], 'posts'));
out('setMultiple', wp_cache_set_multiple(['m1' => 1, 'm2' => 2], 'posts'));
out('addMultiple', wp_cache_add_multiple(['m1' => 9, 'm3' => 3], 'posts'));
out('deleteMultiple', wp_cache_delete_multiple(['m2', 'm9'], 'posts'));
wp_cache_switch_to_blog(2);
wp_cache_set('k', 'blog two', 'posts');
out('blog2', wp_cache_get('k', 'posts'));
out('globalFromBlog2', wp_cache_get(1, 'users'));
wp_cache_switch_to_blog(1);
out('blog1', wp_cache_get('k', 'posts'));
wp_cache_set('x', 'colon group', 'a:b');
out('supports', [wp_cache_supports('flush_group'), wp_cache_supports('get_multiple'), wp_cache_supports('flush_runtime'), wp_cache_supports('something else')]);
out('close', wp_cache_close());
`);
    expect(log).toBe('');
    expect(out).toEqual({
      set: true,
      get: { a: 1 },
      getFound: true,
      missing: false,
      missingFound: false,
      falseValue: false,
      falseFound: true,
      addExisting: false,
      addNew: true,
      addSuspended: false,
      replaceAbsent: false,
      replace: true,
      objectCopied: 1,
      local: [true, 5, false, true, 7, false],
      incr: 8,
      decr: 0,
      incrWord: 1,
      incrAbsent: false,
      emptyKey: false,
      nullKey: false,
      getMultiple: { k: 'y', nope: false, n: false },
      setMultiple: { m1: true, m2: true },
      addMultiple: { m1: false, m3: true },
      deleteMultiple: { m2: true, m9: false },
      blog2: 'blog two',
      globalFromBlog2: 'alice',
      blog1: 'y',
      supports: [true, true, true, false],
      close: true,
      wrong: ['AutoStack_Object_Cache::set: Cache key must not be an empty string.', 'AutoStack_Object_Cache::get: Cache key must be integer or non-empty string, NULL given.'],
    });
    // Redis holds the persistent values, PHP-serialized; the non-persistent group and refused writes never reach it.
    expect(await keys()).toEqual(
      ['blog:1:a%3Ab:x', 'blog:1:default:e', 'blog:1:default:e1', 'blog:1:default:f', 'blog:1:default:fresh', 'blog:1:default:n', 'blog:1:default:o', 'blog:1:default:word', 'blog:1:posts:k', 'blog:1:posts:m1', 'blog:1:posts:m3', 'blog:2:posts:k', 'blog:global:users:1'].sort(),
    );
    expect(await cli('get', 'blog:1:posts:k')).toBe('s:1:"y";\n');
    expect(await cli('get', 'blog:1:default:n')).toBe('i:0;\n');
    expect(await cli('get', 'blog:1:default:o')).toBe('O:8:"stdClass":1:{s:1:"x";i:1;}\n');
    const ttl = Number(await cli('ttl', 'blog:1:default:e'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await cli('ttl', 'blog:1:default:f')).toBe('-1\n');
  });

  it('the next request reads what the first wrote; expired keys are gone; flush_group removes one group of every blog, nothing else', async () => {
    // Keys that only look alike: another group's key holding the group's name, a longer group name.
    await cli('set', 'blog:1:default:posts:k', 's:4:"keep";');
    await cli('set', 'blog:1:postsx:k', 's:4:"keep";');
    await new Promise((r) => setTimeout(r, 1100));
    const { out, log } = await request(`
out('persisted', wp_cache_get('k', 'posts', false, $found));
out('persistedFound', $found);
out('local', wp_cache_get('c', 'counts', false, $found));
out('localFound', $found);
out('counter', wp_cache_get('n'));
out('expired', wp_cache_get('e1', '', false, $found));
out('expiredFound', $found);
out('kept', wp_cache_get('e'));
out('global', wp_cache_get(1, 'users'));
wp_cache_switch_to_blog(2);
out('blog2', wp_cache_get('k', 'posts'));
wp_cache_switch_to_blog(1);
out('incr', wp_cache_incr('e', 1));
out('delete', [wp_cache_delete('fresh'), wp_cache_delete('fresh')]);
out('multiple', wp_cache_get_multiple(['m1', 'm3', 'm2'], 'posts'));
out('flushGroup', wp_cache_flush_group('posts'));
out('afterFlushGroup', wp_cache_get('m1', 'posts', false, $found));
out('afterFlushGroupFound', $found);
`);
    expect(log).toBe('');
    expect(out).toEqual({
      persisted: 'y',
      persistedFound: true,
      local: false,
      localFound: false,
      counter: 0,
      expired: false,
      expiredFound: false,
      kept: 'kept a while',
      global: 'alice',
      blog2: 'blog two',
      incr: 1,
      delete: [true, false],
      multiple: { m1: 1, m3: 3, m2: false },
      flushGroup: true,
      afterFlushGroup: false,
      afterFlushGroupFound: false,
      wrong: [],
    });
    // incr keeps the key's expiration.
    expect(Number(await cli('ttl', 'blog:1:default:e'))).toBeGreaterThan(0);
    expect(await keys('*posts*')).toEqual(['blog:1:default:posts:k', 'blog:1:postsx:k']);
  });

  it('wp_cache_flush deletes only this site\'s keys (its salt) from a shared Redis', async () => {
    await cli('set', 'blogger:1:default:k', 's:5:"other";');
    await cli('set', 'other:1:posts:k', 's:5:"other";');
    await cli('set', 'unrelated', 'x');
    expect((await keys('blog:*')).length).toBeGreaterThan(3);
    const { out, log } = await request("out('flush', wp_cache_flush()); out('after', wp_cache_get(1, 'users', false, $found)); out('found', $found);");
    expect(log).toBe('');
    expect(out).toEqual({ flush: true, after: false, found: false, wrong: [] });
    expect(await keys()).toEqual(['blogger:1:default:k', 'other:1:posts:k', 'unrelated']);
  });

  const FAIL_OPEN = `
out('set', wp_cache_set('k', 'v'));
out('get', wp_cache_get('k'));
out('add', wp_cache_add('k', 'w'));
out('replace', wp_cache_replace('k', 'w'));
out('get2', wp_cache_get('k', '', true));
out('incr', [wp_cache_set('n', 1), wp_cache_incr('n')]);
out('multiple', wp_cache_get_multiple(['k', 'nope']));
out('flush', wp_cache_flush());
out('after', wp_cache_get('k', '', false, $found));
out('found', $found);
`;
  const FAIL_OPEN_ANSWERS = { set: true, get: 'v', add: false, replace: true, get2: 'w', incr: [true, 2], multiple: { k: 'w', nope: false }, flush: false, after: false, found: false, wrong: [] };
  const logLine = (p: number) => new RegExp(`^AutoStack object cache: 127\\.0\\.0\\.1:${p} is unreachable \\(.+\\); this request uses the in-memory cache only$`);

  it('fails open when nothing listens: the request works on its in-memory cache and logs one line', async () => {
    const closed = await freePort();
    const { out, log } = await request(FAIL_OPEN, { REDIS_PORT: String(closed) });
    expect(out).toEqual(FAIL_OPEN_ANSWERS);
    const lines = log.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(logLine(closed));
  });

  it('fails open when Redis hangs (stopped: it accepts connections and never answers): the read timeout gives up, one line logged', async () => {
    const redis = servers[0]!;
    redis.kill('SIGSTOP');
    try {
      const { out, log } = await request(FAIL_OPEN);
      expect(out).toEqual(FAIL_OPEN_ANSWERS);
      const lines = log.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(logLine(port));
    } finally {
      redis.kill('SIGCONT');
    }
    // Redis serves again (the one command in flight when it hung runs when it wakes; the request sent no other).
    expect(await cli('ping')).toBe('PONG\n');
    expect(await keys('blog:*')).toEqual(['blog:1:default:k']);
  });

  it('speaks TLS when WP_REDIS_SCHEME is tls, verifying the server\'s certificate (fails open on one it cannot trust)', async () => {
    const tls = { REDIS_HOST: 'localhost', REDIS_PORT: String(tlsPort), REDIS_SCHEME: 'tls' };
    const trusted = await request("out('set', wp_cache_set('k', 'over tls')); wp_cache_flush_runtime(); out('get', wp_cache_get('k'));", { ...tls, SSL_CERT_FILE: join(root, 'tls.crt') });
    expect(trusted).toEqual({ out: { set: true, get: 'over tls', wrong: [] }, log: '' });
    expect(await ok('redis-cli', ['--tls', '--cacert', join(root, 'tls.crt'), '-h', 'localhost', '-p', String(tlsPort), 'get', 'blog:1:default:k'])).toBe('s:8:"over tls";\n');
    // The system's CA store does not know the test's certificate: no connection, the request goes on.
    const untrusted = await request("out('set', wp_cache_set('k', 'x')); out('get', wp_cache_get('k'));", { ...tls, SSL_CERT_FILE: '/nonexistent' });
    expect(untrusted.out).toEqual({ set: true, get: 'x', wrong: [] });
    expect(untrusted.log.trim().split('\n')).toHaveLength(1);
    expect(untrusted.log).toContain(`AutoStack object cache: localhost:${tlsPort} is unreachable`);
  });
});
