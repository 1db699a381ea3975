#!/usr/bin/env node
// Command-line entry: parse flags/env, start, and shut down cleanly on SIGINT/SIGTERM.
import { ConfigError, helpText, loadConfig } from './config.js';
import { start } from './main.js';
import { runTokenCli } from './token-cli.js';
import { VERSION } from './version.js';

const SHUTDOWN_BUDGET_MS = 8_000;

async function main(): Promise<void> {
  if (process.argv[2] === 'token') {
    try {
      process.exitCode = await runTokenCli(process.argv.slice(3), process.env, (s) => process.stdout.write(s), (s) => process.stderr.write(s));
    } catch (err) {
      process.stderr.write(`imapapi token: ${(err as Error).message}\n`);
      process.exitCode = 2;
    }
    return;
  }
  let parsed;
  try {
    parsed = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`imapapi: ${err.message}\n\n${helpText()}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(parsed.version ? `imapapi ${VERSION}\n` : `${helpText()}\n`);
    return;
  }
  const server = await start(parsed.config);
  const stop = (signal: string) => {
    server.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      server.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS).unref();
    server.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: Error) => {
  process.stderr.write(`imapapi: failed to start: ${err.message}\n`);
  process.exit(1);
});
