// GET /docs: Swagger UI on /openapi.json, every file served from memory by this server (no CDN),
// so the page works offline and nothing it loads leaves the machine.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TemplatedApp } from 'uWebSockets.js';
import { credentialsOf, type Gate } from './auth.js';
import { mountDir, mountFile, readStatic, staticFile, type StaticFile } from './static.js';

/** The files of swagger-ui-dist the page loads; the standalone preset (top bar) is not used. */
const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png'] as const;

// Asset URLs carry a hash of their bytes, so they may be cached for good; the page and our
// script are revalidated each time (cheap: a 304), so a new version is seen at once.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

// The browser enforces what the page promises: scripts, styles and requests (try-it-out
// included) go to this origin only. Inline styles are React's; images include data: icons.
const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "connect-src 'self'", "font-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'",
].join('; ');

// validatorUrl: null, or the UI would load a badge from validator.swagger.io.
// No `servers` in the document means "/" (OpenAPI 3.1 §4.8.1), so try-it-out calls this origin.
// The page's access_token (from /docs?access_token=…) goes as a Bearer header on every request
// the UI makes, the document's fetch included.
const INIT_JS = `// Starts Swagger UI on this server's document; try-it-out is on and calls this same server.
const token = new URLSearchParams(location.search).get('access_token');
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  requestInterceptor: (req) => {
    if (token && !req.headers.Authorization) req.headers.Authorization = 'Bearer ' + token;
    return req;
  },
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

const versioned = (path: string, file: StaticFile) => `${path}?v=${file.etag.slice(1, 13)}`;

function page(assets: ReadonlyMap<string, StaticFile>, init: StaticFile): string {
  const asset = (name: (typeof ASSETS)[number]) => versioned(`/docs/assets/${name}`, assets.get(name)!);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>IMAP API docs</title>
<link rel="stylesheet" href="${asset('swagger-ui.css')}">
<link rel="icon" type="image/png" sizes="32x32" href="${asset('favicon-32x32.png')}">
<link rel="icon" type="image/png" sizes="16x16" href="${asset('favicon-16x16.png')}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${asset('swagger-ui-bundle.js')}"></script>
<script src="${versioned('/docs/init.js', init)}"></script>
</body>
</html>
`;
}

/** The page, our init script and the asset files by name; read from disk once. */
export function loadDocsPage(): { page: StaticFile; init: StaticFile; assets: Map<string, StaticFile> } {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const assets = new Map(ASSETS.map((name) => [name as string, readStatic(join(dir, name), IMMUTABLE)]));
  const init = staticFile('init.js', INIT_JS, { cacheControl: REVALIDATE });
  const html = staticFile('docs.html', page(assets, init), { cacheControl: REVALIDATE, headers: { 'content-security-policy': CSP } });
  return { page: html, init, assets };
}

/** Mount /docs, /docs/init.js and /docs/assets/<file> on the app. The ~2 MB of Swagger UI are
 *  read on the first request, not at start-up: a server whose docs nobody opens never holds them.
 *  Once tokens exist the page needs one (any scope, ?access_token=); its static files do not. */
export function mountDocs(app: TemplatedApp, gate: Gate): void {
  let docs: ReturnType<typeof loadDocsPage> | undefined;
  const loaded = () => (docs ??= loadDocsPage());
  mountFile(app, ['/docs', '/docs/'], (req, res) => {
    gate.authorize('any', credentialsOf(res, req, true));
    return loaded().page;
  });
  mountFile(app, ['/docs/init.js'], () => loaded().init);
  mountDir(app, '/docs/assets', () => loaded().assets);
}
