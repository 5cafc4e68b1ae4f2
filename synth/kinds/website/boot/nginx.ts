import { checkLayout, checkServerConfig, siteDomains } from './config.ts';
import type { ServerLayout, WordPressServerConfig } from './config.ts';

/**
 * The prefix of nginx variable and zone names. One site per server (it also owns the default
 * server), so fixed names: per-site names of long sites would outgrow nginx's variables hash bucket.
 */
const ID = 'autostack';

/**
 * The FastCGI parameters, written out (not Debian's fastcgi_params): HTTPS and X-Forwarded-Proto
 * reach PHP only as the trusted-proxy maps decide, HTTP_PROXY never (httpoxy), and WORDPRESS_CONFIG
 * makes Debian's wp-config.php load this site's config file whatever the Host header says.
 */
function fastcgi(site: string, layout: ServerLayout, script: string): string[] {
  const id = ID;
  return [
    `fastcgi_param SCRIPT_FILENAME ${script};`,
    'fastcgi_param QUERY_STRING $query_string;',
    'fastcgi_param REQUEST_METHOD $request_method;',
    'fastcgi_param CONTENT_TYPE $content_type;',
    'fastcgi_param CONTENT_LENGTH $content_length;',
    'fastcgi_param SCRIPT_NAME $fastcgi_script_name;',
    'fastcgi_param REQUEST_URI $request_uri;',
    'fastcgi_param DOCUMENT_URI $document_uri;',
    'fastcgi_param DOCUMENT_ROOT $document_root;',
    'fastcgi_param SERVER_PROTOCOL $server_protocol;',
    `fastcgi_param REQUEST_SCHEME $${id}_scheme;`,
    `fastcgi_param HTTPS $${id}_https if_not_empty;`,
    `fastcgi_param HTTP_X_FORWARDED_PROTO $${id}_forwarded_proto;`,
    'fastcgi_param HTTP_PROXY "";',
    'fastcgi_param GATEWAY_INTERFACE CGI/1.1;',
    'fastcgi_param SERVER_SOFTWARE nginx;',
    'fastcgi_param REMOTE_ADDR $remote_addr;',
    'fastcgi_param REMOTE_PORT $remote_port;',
    'fastcgi_param SERVER_ADDR $server_addr;',
    'fastcgi_param SERVER_PORT $server_port;',
    'fastcgi_param SERVER_NAME $server_name;',
    'fastcgi_param REDIRECT_STATUS 200;',
    `fastcgi_param WORDPRESS_CONFIG ${site};`,
    'fastcgi_hide_header X-Powered-By;',
    'fastcgi_read_timeout 60s;',
    'fastcgi_buffer_size 32k;',
    'fastcgi_buffers 16 16k;',
    `fastcgi_pass unix:${layout.fpmSocket};`,
  ];
}

function block(head: string, lines: string[], indent = '  '): string[] {
  return [`${indent}${head} {`, ...lines.map((l) => `${indent}  ${l}`), `${indent}}`];
}

/**
 * The site's nginx configuration (one file in nginx's http context): the rate-limit zones and the
 * trusted-proxy maps, a default server that answers only the health path (a load balancer checks
 * by address) and closes every other request for an unknown host, and the site's server.
 */
export function renderNginxSite(config: WordPressServerConfig, layout: ServerLayout): string {
  checkServerConfig(config);
  checkLayout(layout);
  const id = ID;
  const health = config.healthPath;
  const healthScript = `${layout.configDir}/health.php`;
  const php = (script: string) => fastcgi(config.site, layout, script);
  const healthLocation = block(`location = ${health}`, ['access_log off;', ...php(healthScript)], '    ');
  const proxies = config.trustedProxies;
  // nginx keeps each name with a pointer and two bytes in a hash bucket: it must hold the longest name.
  const longest = Math.max(...siteDomains(config).map((n) => n.length));
  let bucket = 64;
  while (bucket < Math.ceil((longest + 2) / 8) * 8 + 8) bucket *= 2;
  const lines = [
    `# AutoStack website ${config.site}: generated from the Website file; edit the file, not this.`,
    `server_names_hash_bucket_size ${bucket};`,
    `limit_req_zone $binary_remote_addr zone=${id}_login:10m rate=10r/m;`,
    `limit_req_zone $binary_remote_addr zone=${id}_xmlrpc:10m rate=30r/m;`,
    '',
    '# Only the load balancer may say the client used https: anyone else\'s X-Forwarded-Proto is dropped.',
    `geo $realip_remote_addr $${id}_from_proxy {`,
    '  default 0;',
    ...proxies.map((c) => `  ${c} 1;`),
    '}',
    `map "$${id}_from_proxy:$http_x_forwarded_proto" $${id}_forwarded_proto {`,
    '  default "";',
    '  "1:https" https;',
    '  "1:http" http;',
    '}',
    `map $${id}_forwarded_proto $${id}_https {`,
    '  default "";',
    '  https on;',
    '}',
    `map $${id}_forwarded_proto $${id}_scheme {`,
    '  default $scheme;',
    '  https https;',
    '}',
    '',
    'server {',
    `  listen ${layout.listenPort} default_server;`,
    '  server_name _;',
    '  server_tokens off;',
    `  access_log ${layout.logDir}/nginx-access.log;`,
    `  error_log ${layout.logDir}/nginx-error.log;`,
    ...healthLocation.map((l) => l.slice(2)),
    '  # Any other name is not this site: close the connection without an answer.',
    '  location / {',
    '    return 444;',
    '  }',
    '}',
    '',
    'server {',
    `  listen ${layout.listenPort};`,
    `  server_name ${siteDomains(config).join(' ')};`,
    `  root ${layout.documentRoot};`,
    '  index index.php;',
    '  server_tokens off;',
    `  client_max_body_size ${config.uploadMiB + 8}m;`,
    `  access_log ${layout.logDir}/nginx-access.log;`,
    `  error_log ${layout.logDir}/nginx-error.log;`,
    '  add_header X-Content-Type-Options nosniff always;',
    '  add_header X-Frame-Options SAMEORIGIN always;',
    '  add_header Referrer-Policy strict-origin-when-cross-origin always;',
    ...(proxies.length ? ['  # The client address behind the load balancer (rate limits and logs use it).', ...proxies.map((c) => `  set_real_ip_from ${c};`), '  real_ip_header X-Forwarded-For;', '  real_ip_recursive on;'] : []),
    ...healthLocation.map((l) => l.slice(2)),
    '',
    '  # Dot files (.htaccess, .git, .env), the configuration and files that tell the version: never served.',
    '  location ~ /\\. {',
    '    return 404;',
    '  }',
    '  location ~* ^/(wp-config(-sample)?\\.php|readme\\.html|license\\.txt)$ {',
    '    return 404;',
    '  }',
    '  # PHP runs only where WordPress keeps its entry points: never in wp-content (uploads) or includes.',
    '  location ~* ^/(wp-admin/includes/|wp-includes/[^/]+\\.php$|wp-includes/theme-compat/) {',
    '    return 404;',
    '  }',
    '  location ^~ /wp-content/ {',
    `    alias ${layout.contentDir}/;`,
    '    # ^~ skips the regular expressions above: dot files and scripts are refused here again.',
    '    location ~ /\\. {',
    '      return 404;',
    '    }',
    '    location ~* \\.(php|phtml|phar|pl|py|cgi|sh)$ {',
    '      return 404;',
    '    }',
    '    expires 7d;',
    '  }',
    ...(config.xmlrpc
      ? [...block('location = /xmlrpc.php', [`limit_req zone=${id}_xmlrpc burst=10 nodelay;`, 'limit_req_status 429;', ...php('$document_root$fastcgi_script_name')])]
      : ['  location = /xmlrpc.php {', '    return 403;', '  }']),
    ...block('location = /wp-login.php', [`limit_req zone=${id}_login burst=10 nodelay;`, 'limit_req_status 429;', ...php('$document_root$fastcgi_script_name')]),
    '  location / {',
    '    try_files $uri $uri/ /index.php?$args;',
    '  }',
    ...block('location ~ \\.php$', ['try_files $uri =404;', ...php('$document_root$fastcgi_script_name')]),
    '  location ~* \\.(css|js|png|jpe?g|gif|svg|webp|ico|woff2?)$ {',
    '    expires 7d;',
    '    try_files $uri =404;',
    '  }',
    '}',
    '',
  ];
  return lines.join('\n');
}
