// The package version and license, read once from package.json next to the build output.
import { readFileSync } from 'node:fs';

const pkgUrl = new URL('../../package.json', import.meta.url);
const pkg = JSON.parse(readFileSync(pkgUrl, 'utf8')) as { version: string; license?: string };

export const VERSION: string = pkg.version;
export const LICENSE: string = pkg.license ?? 'UNLICENSED';
