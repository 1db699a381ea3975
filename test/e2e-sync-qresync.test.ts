// Sync contract against full Dovecot: QRESYNC.
import { syncContract } from './helpers/sync-contract.js';

syncContract({ name: 'QRESYNC', strategy: 'auto', expect: 'qresync' });
