// Sync contract with neither CONDSTORE nor QRESYNC advertised: full UID/FLAGS comparison.
import { syncContract } from './helpers/sync-contract.js';

syncContract({ name: 'no CONDSTORE', capability: 'IMAP4rev1 LITERAL+ NAMESPACE UIDPLUS IDLE SPECIAL-USE', strategy: 'auto', expect: 'full' });
