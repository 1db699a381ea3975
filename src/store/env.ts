// Opens the one LMDB environment every thread shares; each thread calls this itself
// (lmdb-js shares the underlying environment between threads of a process).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';

export interface StoreEnv {
  root: RootDatabase;
  close(): Promise<void>;
}

/** Open (creating if needed) the LMDB environment in `dataDir`. */
export function openEnv(dataDir: string): StoreEnv {
  mkdirSync(dataDir, { recursive: true });
  const root = open({ path: join(dataDir, 'imapapi.mdb'), maxDbs: 32, compression: false });
  return { root, close: () => root.close() };
}
