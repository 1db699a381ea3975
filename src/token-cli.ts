// `imapapi token create|list`: API tokens made and listed straight in the data dir's LMDB, so
// the first token exists before the server starts. LMDB allows several processes, so this also
// works while the server runs (it reads a token it does not know yet from disk on first use).
import { parseArgs } from 'node:util';
import { ConfigError } from './config.js';
import { SCOPES, type Scope } from './schemas/tokens.js';
import { openEnv } from './store/env.js';
import { loadOrCreateSecret } from './store/secret.js';
import { makeToken, TokenStore } from './store/tokens.js';
import { tokenView } from './http/token-cache.js';

export const TOKEN_HELP = `Usage: imapapi token create --scopes <list> [--account <id>] [--description <text>] [--expires <ISO time>] [--data-dir <dir>]
       imapapi token list [--data-dir <dir>]

  create prints the new token once on stdout (only its SHA-256 is stored); scopes: ${SCOPES.join(', ')}
  (admin implies every scope). --data-dir defaults to IMAPAPI_DATA_DIR, then ./data.
  Revoke a token with DELETE /v1/token/{id} on the running server.`;

function scopesOf(raw: string | undefined): Scope[] {
  const list = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw new ConfigError(`--scopes is required: a comma-separated list of ${SCOPES.join(', ')}`);
  for (const s of list) if (!(SCOPES as readonly string[]).includes(s)) throw new ConfigError(`--scopes: unknown scope "${s}" (one of ${SCOPES.join(', ')})`);
  return [...new Set(list)] as Scope[];
}

function expiresOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const at = Date.parse(raw);
  if (!Number.isFinite(at) || at <= Date.now()) throw new ConfigError(`--expires must be a future ISO 8601 time, got "${raw}"`);
  return at;
}

/** Runs one token command; resolves with the exit code. */
export async function runTokenCli(argv: string[], env: NodeJS.ProcessEnv, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'create' && command !== 'list') {
    (command === '--help' || command === undefined ? out : err)(`${TOKEN_HELP}\n`);
    return command === '--help' ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest, strict: true, allowPositionals: false,
    options: { 'data-dir': { type: 'string' }, scopes: { type: 'string' }, account: { type: 'string' }, description: { type: 'string' }, expires: { type: 'string' } },
  });
  const dataDir = values['data-dir'] ?? env.IMAPAPI_DATA_DIR ?? './data';
  if (command === 'create') {
    const scopes = scopesOf(values.scopes);
    const expires = expiresOf(values.expires);
    // a fresh data dir gets its secret.key now, as the server would: a store without it is refused
    loadOrCreateSecret(dataDir, env.IMAPAPI_SECRET);
    const envir = openEnv(dataDir);
    try {
      const { token, record } = makeToken({
        description: values.description ?? 'made on the command line', scopes,
        ...(values.account ? { account: values.account } : {}), ...(expires !== undefined ? { expires } : {}),
      });
      await new TokenStore(envir.root).put(record);
      out(`${token}\n`);
      err(`Created API token ${record.id} (scopes: ${scopes.join(', ')}${record.account ? `, account ${record.account}` : ''}). It is shown only this once; send it as "Authorization: Bearer <token>".\n`);
    } finally {
      await envir.close();
    }
    return 0;
  }
  const envir = openEnv(dataDir);
  try {
    const list = new TokenStore(envir.root).all().sort((a, b) => a.created - b.created).map(tokenView);
    out(`${JSON.stringify({ tokens: list }, null, 2)}\n`);
  } finally {
    await envir.close();
  }
  return 0;
}
