// `npm run openapi`: writes openapi/openapi.json from the route table, the file checked in
// and kept in step by test/openapi.test.ts. Runs only when started as a script.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { routes } from '../http/routes/index.js';
import { VERSION } from '../version.js';
import { buildOpenApi } from './build.js';

/** Where the document is checked in, from the project root. */
export const DOCUMENT_PATH = join(dirname(fileURLToPath(import.meta.url)), '../../../openapi/openapi.json');

/** The document as it is written: two-space JSON with a final newline. */
export function documentText(): string {
  return `${JSON.stringify(buildOpenApi(routes, VERSION), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(dirname(DOCUMENT_PATH), { recursive: true });
  writeFileSync(DOCUMENT_PATH, documentText());
  console.log(`wrote ${DOCUMENT_PATH}`);
}
