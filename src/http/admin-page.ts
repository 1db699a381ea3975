// GET /: the admin page (Accounts, Settings, Events), plain HTML, CSS and JS modules from the
// admin/ folder, held in memory from the first request and revalidated by ETag. The page calls
// the public API like any client; its CSP keeps every request on this origin.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { TemplatedApp } from 'uWebSockets.js';
import { mountDir, mountFile, staticFile, type StaticFile } from './static.js';

/** admin/ at the package root, seen from dist/src/http/. */
export const ADMIN_DIR = fileURLToPath(new URL('../../../admin/', import.meta.url));

// 'self' covers ws:/wss: to this host too (CSP Level 3), which the change stream needs.
const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'",
].join('; ');

// revalidated on every load (a 304 when unchanged), so a new version of the server is seen at once
const REVALIDATE = 'no-cache';
const headers = { 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' };

export interface AdminPage {
  page: StaticFile;
  files: Map<string, StaticFile>;
}

/** Every file of `dir` by name (the folder is flat), and index.html as the page. */
export function loadAdminPage(dir: string = ADMIN_DIR): AdminPage {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    files.set(name, staticFile(name, readFileSync(join(dir, name)), { cacheControl: REVALIDATE, headers }));
  }
  const page = files.get('index.html');
  if (!page) throw new Error(`admin page: no index.html in ${dir}`);
  return { page, files };
}

/** Mount / and /admin/<file>; nothing is read before the first request. */
export function mountAdmin(app: TemplatedApp): void {
  let admin: AdminPage | undefined;
  const loaded = () => (admin ??= loadAdminPage());
  mountFile(app, ['/', '/admin', '/admin/'], () => loaded().page);
  mountDir(app, '/admin', () => loaded().files);
}
