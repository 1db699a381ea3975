// The ops about an account itself: register, read, update, delete, reconnect. Settings
// changes of one account run one at a time; state and the events they cause commit together.
import { accountNotFound, validationError } from '../errors.js';
import { newEvent } from '../schemas/event-data.js';
import type { NewEvent } from '../events/types.js';
import type { AccountHandlers } from '../protocol/ops.js';
import type { AccountStore } from '../store/accounts.js';
import type { SecretBox } from '../store/crypto.js';
import type { MailboxStore } from '../store/mailboxes.js';
import type { AccountActor } from './account-actor.js';
import { applyPatch, needsReconnect, toRecord, withAppServers } from './account-settings.js';
import type { MailServer } from '../schemas/oauth2.js';
import { unmet } from './oauth-grant.js';

export interface AccountOpsHost {
  store: AccountStore;
  secrets: SecretBox;
  mailboxes: MailboxStore;
  /** run `fn` after every earlier settings change of `account` */
  serial<T>(account: string, fn: () => Promise<T>): Promise<T>;
  commit(fn: () => NewEvent[]): Promise<void>;
  actor(account: string): AccountActor | undefined;
  /** create the actor of a stored account */
  activate(account: string): AccountActor;
  forget(account: string): void;
  /** the mail servers of a stored OAuth2 app (its preset's or its own), undefined if there is no such app */
  appServers(app: string): { imap?: MailServer; smtp?: MailServer } | undefined;
  /** the account's settings changed: cached OAuth2 tokens and a remembered dead grant go */
  settingsChanged(account: string): void;
  /** inside a write transaction: remove the account's folder state and queued mail */
  clearSync(account: string): void;
}

type AccountOp = 'createAccount' | 'getAccount' | 'updateAccount' | 'deleteAccount' | 'reconnectAccount';

function known(host: AccountOpsHost, account: string): AccountActor {
  const actor = host.actor(account);
  if (!actor) throw accountNotFound(account);
  return actor;
}

export function accountOps(host: AccountOpsHost): Pick<AccountHandlers, AccountOp> {
  return {
    createAccount: (account, { input, expect }) => host.serial(account, async () => {
      const { store, secrets } = host;
      const unmetBy = expect && unmet(store.get(account), account, expect);
      if (unmetBy) throw unmetBy;
      const app = input.oauth2?.app;
      const servers = app === undefined ? {} : host.appServers(app);
      if (!servers) throw validationError([{ field: 'oauth2.app', reason: `no OAuth2 app "${app}" (create it with POST /v1/oauth2)` }]);
      const existing = store.get(account);
      const now = new Date().toISOString();
      const record = toRecord(withAppServers({ ...input, account }, servers), secrets, existing?.created, now);
      await host.commit(() => {
        store.putSync(record);
        return existing ? [] : [newEvent(account, null, 'accountAdded', { account })];
      });
      host.settingsChanged(account);
      const actor = host.actor(account);
      if (actor) await actor.replace(record, needsReconnect(actor.record, record, secrets) || actor.state !== 'connected');
      else host.activate(account).start();
      return { account, state: existing ? 'existing' as const : 'new' as const };
    }),

    getAccount: async (account) => known(host, account).view(),

    updateAccount: (account, { patch, expect }) => host.serial(account, async () => {
      const actor = known(host, account);
      const unmetBy = expect && unmet(actor.record, account, expect);
      if (unmetBy) throw unmetBy;
      // the original's UpdateAccount has no required field: an empty one changes nothing
      if (Object.keys(patch).length === 0) return { account, updated: false };
      const record = applyPatch(actor.record, patch, host.secrets, new Date().toISOString());
      await host.store.put(record);
      host.settingsChanged(account);
      // new credentials for an account that cannot log in are tried now, not after its backoff
      const retry = (patch.imap?.auth !== undefined || patch.oauth2 !== undefined) && actor.state !== 'connected' && actor.state !== 'syncing';
      await actor.replace(record, retry || needsReconnect(actor.record, record, host.secrets));
      return { account, updated: true };
    }),

    deleteAccount: (account) => host.serial(account, async () => {
      const actor = known(host, account);
      host.forget(account);
      await actor.stop({ deleted: true });
      await host.mailboxes.removeAccount(account);
      await host.commit(() => {
        host.store.removeSync(account);
        // its folder state goes, and its queued mail is never sent (its settings are gone)
        host.clearSync(account);
        return [newEvent(account, null, 'accountDeleted', { account })];
      });
      return { account, deleted: true };
    }),

    reconnectAccount: (account) => host.serial(account, async () => {
      await known(host, account).reconnect();
      return { account, reconnect: true };
    }),
  };
}
