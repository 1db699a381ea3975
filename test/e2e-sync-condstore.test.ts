// Sync contract against a server that offers CONDSTORE but not QRESYNC.
import { syncContract } from './helpers/sync-contract.js';

syncContract({
  name: 'CONDSTORE only',
  capability: 'IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE SORT MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED CONDSTORE ESEARCH SPECIAL-USE MOVE',
  strategy: 'auto',
  expect: 'condstore',
});
