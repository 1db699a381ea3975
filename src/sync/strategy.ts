// Which sync method a connection allows (RFC 7162): QRESYNC, else CONDSTORE, else a full
// UID/FLAGS comparison; a configured override can force a weaker one (for tests and for
// servers whose extensions misbehave).
import type { ImapFlow } from 'imapflow';

export type Strategy = 'qresync' | 'condstore' | 'full';
export type StrategySetting = 'auto' | 'condstore' | 'full';

export function pickStrategy(client: ImapFlow, setting: StrategySetting): Strategy {
  if (setting === 'full') return 'full';
  const caps = client.capabilities;
  const condstore = caps.has('CONDSTORE') || caps.has('QRESYNC');
  if (!condstore) return 'full';
  if (setting === 'condstore') return 'condstore';
  return client.enabled.has('QRESYNC') ? 'qresync' : 'condstore';
}
