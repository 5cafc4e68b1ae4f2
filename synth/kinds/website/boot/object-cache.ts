import type { ServerLayout } from './config.ts';

/** The prefix of every key of the site in Redis (WP_CACHE_KEY_SALT): the drop-in flushes only these. */
export function cacheKeySalt(site: string): string {
  return `${site}:`;
}

/** Where WordPress looks for its object cache drop-in: `<WP_CONTENT_DIR>/object-cache.php`. */
export function objectCachePath(layout: ServerLayout): string {
  return `${layout.contentDir}/object-cache.php`;
}

/**
 * WordPress's object cache drop-in over the phpredis extension (Debian's php-redis), written into
 * wp-content when the site has an object cache. Fixed text, the same for every site: the site's
 * values come from its wp-config (WP_REDIS_HOST, WP_REDIS_PORT, WP_REDIS_SCHEME, WP_CACHE_KEY_SALT).
 *
 * It implements the cache API of WordPress 6.1 (wp-includes/cache.php and cache-compat.php of
 * Debian 12's 6.1.9) with the same answers as WordPress's own in-memory cache, plus Redis behind
 * it: values are PHP-serialized, kept in the request's memory in front of Redis, expire when
 * asked, and groups declared non-persistent never leave the request. Keys are
 * `<salt><blog id or "global">:<group>:<key>` (a colon or percent sign in a group is %-encoded, so a
 * key names its group unambiguously); flushing deletes only keys with the site's salt, never the
 * whole Redis.
 *
 * It fails open: when Redis cannot be reached (1 s to connect, 1 s to answer) or errs, the request
 * goes on with the in-memory cache alone, says so once in PHP's error log and tries Redis no more.
 * The load balancer's health check never loads WordPress, so it never waits for Redis.
 */
export const OBJECT_CACHE_PHP = String.raw`<?php
// AutoStack object cache: WordPress's object cache API over Redis (phpredis). Generated with the
// site's configuration; edit the Website file, not this. Without Redis the site keeps working on
// the request's in-memory cache (fail open).

defined('ABSPATH') || exit;

#[AllowDynamicProperties]
final class AutoStack_Object_Cache
{
    /** @var array<string, array<string, mixed>> The request's copy: group => "<blog or global>:<key>" => value. */
    private array $cache = [];
    /** @var array<string, array<string, int>> When copies set with an expiration expire (Unix time). */
    private array $expires = [];
    /** @var array<string, true> Groups shared by every blog of a network (WordPress reads this property). */
    public array $global_groups = [];
    /** @var array<string, true> Groups kept in the request only. */
    private array $local_groups = [];
    private int $blog_id = 1;
    private string $salt;
    private ?Redis $redis = null;
    /** Redis failed once in this request: it is not tried again until the next one. */
    private bool $down = false;
    public int $cache_hits = 0;
    public int $cache_misses = 0;

    public function __construct()
    {
        $this->salt = defined('WP_CACHE_KEY_SALT') ? (string) WP_CACHE_KEY_SALT : '';
        $this->blog_id = function_exists('get_current_blog_id') ? get_current_blog_id() : 1;
    }

    // --- Redis, reached lazily and given up on at the first failure ---

    private function redis(): ?Redis
    {
        if ($this->redis !== null || $this->down) {
            return $this->redis;
        }
        if (!class_exists('Redis') || !defined('WP_REDIS_HOST')) {
            $this->fail('the phpredis extension or WP_REDIS_HOST is missing');
            return null;
        }
        $tls = defined('WP_REDIS_SCHEME') && WP_REDIS_SCHEME === 'tls';
        try {
            $redis = new Redis();
            // connect(host, port, connect timeout, persistent id, retry interval, read timeout, context); its warnings
            // would only repeat the one line fail() logs.
            $connected = @$redis->connect(($tls ? 'tls://' : '') . WP_REDIS_HOST, defined('WP_REDIS_PORT') ? (int) WP_REDIS_PORT : 6379, 1.0, null, 0, 1.0, $tls ? ['stream' => ['verify_peer' => true, 'verify_peer_name' => true]] : []);
            if (!$connected) {
                throw new RedisException('could not connect');
            }
            $redis->setOption(Redis::OPT_SCAN, Redis::SCAN_RETRY);
            $this->redis = $redis;
        } catch (Throwable $e) {
            $this->fail($e->getMessage());
        }
        return $this->redis;
    }

    private function fail(string $why): void
    {
        if (!$this->down) {
            $where = defined('WP_REDIS_HOST') ? WP_REDIS_HOST . ':' . (defined('WP_REDIS_PORT') ? WP_REDIS_PORT : 6379) : 'Redis';
            error_log("AutoStack object cache: $where is unreachable ($why); this request uses the in-memory cache only");
        }
        $this->down = true;
        $this->redis = null;
    }

    /** Runs $call with Redis; $otherwise when there is none or it fails. */
    private function with(callable $call, mixed $otherwise): mixed
    {
        $redis = $this->redis();
        if ($redis === null) {
            return $otherwise;
        }
        try {
            return $call($redis);
        } catch (Throwable $e) {
            $this->fail($e->getMessage());
            return $otherwise;
        }
    }

    // --- keys ---

    /**
     * [group, id in the request's copy, Redis key] of a key, or null for a key WordPress 6.1 refuses
     * (anything but an integer or a non-blank string).
     */
    private function locate(mixed $key, mixed $group, string $caller): ?array
    {
        if (!is_int($key) && !(is_string($key) && trim($key) !== '')) {
            if (function_exists('_doing_it_wrong')) {
                _doing_it_wrong(__CLASS__ . '::' . $caller, is_string($key) ? 'Cache key must not be an empty string.' : 'Cache key must be integer or non-empty string, ' . gettype($key) . ' given.', '6.1.0');
            }
            return null;
        }
        $group = empty($group) ? 'default' : (string) $group;
        $id = (isset($this->global_groups[$group]) ? 'global' : (string) $this->blog_id) . ':' . $key;
        $scope = strstr($id, ':', true);
        return [$group, $id, $this->salt . $scope . ':' . $this->encode($group) . ':' . $key];
    }

    private function encode(string $group): string
    {
        return str_replace(['%', ':'], ['%25', '%3A'], $group);
    }

    private function persistent(string $group): bool
    {
        return !isset($this->local_groups[$group]);
    }

    // --- the request's copy ---

    private function has(string $group, string $id): bool
    {
        if (!isset($this->cache[$group]) || !array_key_exists($id, $this->cache[$group])) {
            return false;
        }
        if (isset($this->expires[$group][$id]) && $this->expires[$group][$id] <= time()) {
            unset($this->cache[$group][$id], $this->expires[$group][$id]);
            return false;
        }
        return true;
    }

    private function remember(string $group, string $id, mixed $data, int $expire): void
    {
        $this->cache[$group][$id] = is_object($data) ? clone $data : $data;
        if ($expire > 0) {
            $this->expires[$group][$id] = time() + $expire;
        } else {
            unset($this->expires[$group][$id]);
        }
    }

    private function forget(string $group, string $id): void
    {
        unset($this->cache[$group][$id], $this->expires[$group][$id]);
    }

    private function copy(string $group, string $id): mixed
    {
        $value = $this->cache[$group][$id];
        return is_object($value) ? clone $value : $value;
    }

    /** A value read from Redis, or [false] when it is not one this cache wrote. */
    private function decode(string $raw): array
    {
        $value = @unserialize($raw);
        return ($value === false && $raw !== serialize(false)) ? [false] : [true, $value];
    }

    // --- the API ---

    public function add(mixed $key, mixed $data, mixed $group = '', int $expire = 0): bool
    {
        if (function_exists('wp_suspend_cache_addition') && wp_suspend_cache_addition()) {
            return false;
        }
        return $this->store($key, $data, $group, $expire, 'nx', __FUNCTION__);
    }

    public function replace(mixed $key, mixed $data, mixed $group = '', int $expire = 0): bool
    {
        return $this->store($key, $data, $group, $expire, 'xx', __FUNCTION__);
    }

    public function set(mixed $key, mixed $data, mixed $group = '', int $expire = 0): bool
    {
        return $this->store($key, $data, $group, $expire, '', __FUNCTION__);
    }

    /** set, add (only if absent: 'nx') or replace (only if present: 'xx'); Redis decides when it is there. */
    private function store(mixed $key, mixed $data, mixed $group, int $expire, string $only, string $caller): bool
    {
        $at = $this->locate($key, $group, $caller);
        if ($at === null) {
            return false;
        }
        [$group, $id, $redisKey] = $at;
        if ($only === 'nx' && $this->has($group, $id)) {
            return false; // already in the request's copy, as WordPress's own cache answers
        }
        $stored = null; // null: no Redis (a local group, or Redis is down): the request's copy decides
        if ($this->persistent($group)) {
            $options = array_merge($only === '' ? [] : [$only], $expire > 0 ? ['ex' => $expire] : []);
            $stored = $this->with(function (Redis $r) use ($redisKey, $data, $options) {
                $r->clearLastError();
                $done = $r->set($redisKey, serialize($data), $options);
                // false with no error: the key is there (add) or is not (replace); an error fails open.
                if ($done === false && $r->getLastError() !== null) {
                    throw new RedisException($r->getLastError());
                }
                return $done;
            }, null);
        }
        if ($stored === false || ($stored === null && $only !== '' && $this->has($group, $id) !== ($only === 'xx'))) {
            return false;
        }
        $this->remember($group, $id, $data, $expire);
        return true;
    }

    public function get(mixed $key, mixed $group = '', bool $force = false, mixed &$found = null): mixed
    {
        $found = false;
        $at = $this->locate($key, $group, __FUNCTION__);
        if ($at === null) {
            return false;
        }
        [$group, $id, $redisKey] = $at;
        $fresh = $force && $this->persistent($group) && $this->redis() !== null;
        if (!$fresh && $this->has($group, $id)) {
            $found = true;
            $this->cache_hits++;
            return $this->copy($group, $id);
        }
        if ($this->persistent($group)) {
            $raw = $this->with(fn (Redis $r) => $r->get($redisKey), false);
            $value = is_string($raw) ? $this->decode($raw) : [false];
            if ($value[0]) {
                $this->remember($group, $id, $value[1], 0);
                $found = true;
                $this->cache_hits++;
                return $this->copy($group, $id);
            }
            if ($fresh) {
                $this->forget($group, $id);
            }
        }
        $this->cache_misses++;
        return false;
    }

    public function get_multiple(array $keys, mixed $group = '', bool $force = false): array
    {
        $values = [];
        $fetch = [];
        foreach ($keys as $key) {
            $values[$key] = false;
            $at = $this->locate($key, $group, __FUNCTION__);
            if ($at === null) {
                continue;
            }
            [$g, $id] = $at;
            if ($this->persistent($g) && ($force || !$this->has($g, $id)) && $this->redis() !== null) {
                $fetch[] = [$key, $at];
            } else {
                $values[$key] = $this->get($key, $group);
            }
        }
        if ($fetch !== []) {
            $raws = $this->with(fn (Redis $r) => $r->mget(array_map(fn ($f) => $f[1][2], $fetch)), []);
            foreach ($fetch as $i => [$key, [$g, $id]]) {
                $value = is_array($raws) && is_string($raws[$i] ?? null) ? $this->decode($raws[$i]) : [false];
                if ($value[0]) {
                    $this->remember($g, $id, $value[1], 0);
                    $this->cache_hits++;
                    $values[$key] = $this->copy($g, $id);
                } else {
                    $this->forget($g, $id);
                    $this->cache_misses++;
                }
            }
        }
        return $values;
    }

    public function delete(mixed $key, mixed $group = ''): bool
    {
        $at = $this->locate($key, $group, __FUNCTION__);
        if ($at === null) {
            return false;
        }
        [$group, $id, $redisKey] = $at;
        $had = $this->has($group, $id);
        $this->forget($group, $id);
        if ($this->persistent($group)) {
            $deleted = $this->with(fn (Redis $r) => $r->del($redisKey), 0);
            return $had || (is_int($deleted) && $deleted > 0);
        }
        return $had;
    }

    /** Adds $offset to a number (a value that is not one counts as 0), never below 0, keeping its expiration. */
    public function offset(mixed $key, int $offset, mixed $group): int|float|false
    {
        $found = false;
        $value = $this->get($key, $group, true, $found);
        if (!$found) {
            return false;
        }
        $value = (is_numeric($value) ? $value : 0) + $offset;
        if ($value < 0) {
            $value = 0;
        }
        [$group, $id, $redisKey] = $this->locate($key, $group, __FUNCTION__);
        $this->cache[$group][$id] = $value;
        if ($this->persistent($group)) {
            $this->with(fn (Redis $r) => $r->set($redisKey, serialize($value), ['KEEPTTL']), null);
        }
        return $value;
    }

    /** Empties the request's copy and deletes this site's keys (its salt) from Redis, nothing else. */
    public function flush(): bool
    {
        $this->flush_runtime();
        if ($this->salt === '') {
            error_log('AutoStack object cache: WP_CACHE_KEY_SALT is not set, so Redis is not flushed (it would delete other sites\' keys)');
            return false;
        }
        return $this->unlink($this->glob($this->salt) . '*', fn (string $k) => true);
    }

    public function flush_runtime(): bool
    {
        $this->cache = [];
        $this->expires = [];
        return true;
    }

    public function flush_group(mixed $group): bool
    {
        $group = empty($group) ? 'default' : (string) $group;
        unset($this->cache[$group], $this->expires[$group]);
        if (!$this->persistent($group) || $this->salt === '') {
            return true;
        }
        // Every blog's keys of the group: <salt><digits or "global">:<group>:<key>.
        $tail = ':' . $this->encode($group) . ':';
        $length = strlen($this->salt);
        return $this->unlink(
            $this->glob($this->salt) . '*' . $this->glob($tail) . '*',
            fn (string $k) => preg_match('/^(?:global|[0-9]+)' . preg_quote($tail, '/') . '/', substr($k, $length)) === 1,
        );
    }

    /** Deletes the keys SCAN finds for $pattern that $keep accepts; false when Redis is not there. */
    private function unlink(string $pattern, callable $keep): bool
    {
        return $this->with(function (Redis $r) use ($pattern, $keep) {
            $cursor = null;
            while (($keys = $r->scan($cursor, $pattern, 1000)) !== false) {
                $keys = array_values(array_filter($keys, $keep));
                if ($keys !== []) {
                    $r->unlink($keys);
                }
            }
            return true;
        }, false);
    }

    /** $text as a literal in a SCAN pattern. */
    private function glob(string $text): string
    {
        return preg_replace('/([*?\[\]\\\\])/', '\\\\$1', $text);
    }

    public function add_global_groups(string|array $groups): void
    {
        $this->global_groups = array_merge($this->global_groups, array_fill_keys((array) $groups, true));
    }

    public function add_non_persistent_groups(string|array $groups): void
    {
        $this->local_groups = array_merge($this->local_groups, array_fill_keys((array) $groups, true));
    }

    public function switch_to_blog(int $blog_id): void
    {
        $this->blog_id = $blog_id;
    }

    /** WordPress's deprecated reset: drops the request's copy of every group but the global ones. */
    public function reset(): void
    {
        foreach (array_keys($this->cache) as $group) {
            if (!isset($this->global_groups[$group])) {
                unset($this->cache[$group], $this->expires[$group]);
            }
        }
    }

    public function close(): bool
    {
        if ($this->redis !== null) {
            try {
                $this->redis->close();
            } catch (Throwable $e) {
                // Closing is best effort.
            }
            $this->redis = null;
        }
        return true;
    }
}

function wp_cache_init()
{
    $GLOBALS['wp_object_cache'] = new AutoStack_Object_Cache();
}

function wp_cache_add($key, $data, $group = '', $expire = 0)
{
    return $GLOBALS['wp_object_cache']->add($key, $data, $group, (int) $expire);
}

function wp_cache_add_multiple(array $data, $group = '', $expire = 0)
{
    $done = [];
    foreach ($data as $key => $value) {
        $done[$key] = wp_cache_add($key, $value, $group, $expire);
    }
    return $done;
}

function wp_cache_replace($key, $data, $group = '', $expire = 0)
{
    return $GLOBALS['wp_object_cache']->replace($key, $data, $group, (int) $expire);
}

function wp_cache_set($key, $data, $group = '', $expire = 0)
{
    return $GLOBALS['wp_object_cache']->set($key, $data, $group, (int) $expire);
}

function wp_cache_set_multiple(array $data, $group = '', $expire = 0)
{
    $done = [];
    foreach ($data as $key => $value) {
        $done[$key] = wp_cache_set($key, $value, $group, $expire);
    }
    return $done;
}

function wp_cache_get($key, $group = '', $force = false, &$found = null)
{
    return $GLOBALS['wp_object_cache']->get($key, $group, (bool) $force, $found);
}

function wp_cache_get_multiple($keys, $group = '', $force = false)
{
    return $GLOBALS['wp_object_cache']->get_multiple((array) $keys, $group, (bool) $force);
}

function wp_cache_delete($key, $group = '')
{
    return $GLOBALS['wp_object_cache']->delete($key, $group);
}

function wp_cache_delete_multiple(array $keys, $group = '')
{
    $done = [];
    foreach ($keys as $key) {
        $done[$key] = wp_cache_delete($key, $group);
    }
    return $done;
}

function wp_cache_incr($key, $offset = 1, $group = '')
{
    return $GLOBALS['wp_object_cache']->offset($key, (int) $offset, $group);
}

function wp_cache_decr($key, $offset = 1, $group = '')
{
    return $GLOBALS['wp_object_cache']->offset($key, -(int) $offset, $group);
}

function wp_cache_flush()
{
    return $GLOBALS['wp_object_cache']->flush();
}

function wp_cache_flush_runtime()
{
    return $GLOBALS['wp_object_cache']->flush_runtime();
}

function wp_cache_flush_group($group)
{
    return $GLOBALS['wp_object_cache']->flush_group($group);
}

function wp_cache_supports($feature)
{
    return in_array($feature, ['add_multiple', 'set_multiple', 'get_multiple', 'delete_multiple', 'flush_runtime', 'flush_group'], true);
}

function wp_cache_close()
{
    return $GLOBALS['wp_object_cache']->close();
}

function wp_cache_add_global_groups($groups)
{
    $GLOBALS['wp_object_cache']->add_global_groups($groups);
}

function wp_cache_add_non_persistent_groups($groups)
{
    $GLOBALS['wp_object_cache']->add_non_persistent_groups($groups);
}

function wp_cache_switch_to_blog($blog_id)
{
    $GLOBALS['wp_object_cache']->switch_to_blog((int) $blog_id);
}

function wp_cache_reset()
{
    if (function_exists('_deprecated_function')) {
        _deprecated_function(__FUNCTION__, '3.5.0', 'wp_cache_switch_to_blog()');
    }
    $GLOBALS['wp_object_cache']->reset();
}
`;
