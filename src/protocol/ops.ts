// The single list of operations the workers serve. The front's routes and each worker's handler
// table are typed against these maps, so an op cannot exist on one side only.
import type { MessagePort } from 'node:worker_threads';
import type {
  AccountAck, AccountInput, AccountPatch, AccountState, AccountSummary, AccountView, PutAccountResult,
} from '../schemas/account.js';
import type { MailboxCreated, MailboxDeleted, MailboxEntry, MailboxRenamed } from '../schemas/mailbox.js';
import type { MessageEntry, MessageList, SearchCriteria, TextType } from '../schemas/message.js';
import type { AttachmentRef, MessageRef, TextRef } from '../ids.js';
import type { ExtraAttachment, ParseTextResult, TextPartInput } from '../parse/types.js';
import type { Address } from '../schemas/message.js';
import type { OutboxEntry, SubmitResult } from '../schemas/submit.js';
import type { SettingsPatch, SettingsView } from '../schemas/settings.js';
import type { VerifyInput, VerifyResult } from '../schemas/verify.js';
import type { OAuth2AppInput, OAuth2AppPatch, OAuth2AppView } from '../schemas/oauth2.js';
import type { FlowHop, GrantPrecondition, OAuth2FlowStart, OAuthTokenView } from '../schemas/oauth2-flow.js';
import type {
  BulkDeleteResult, BulkMoveResult, BulkUpdateResult, FlagUpdate, LabelUpdate, MessageDeleteResult, MessageMoveResult, MessageUpdateResult, MessageUploadResult,
} from '../schemas/write.js';
import type { DeadLetterPage, ReplayInput, ReplayResult, WebhookCounters, WebhookTestResult } from '../schemas/webhooks.js';
import type { LoopDelayView } from '../schemas/system.js';

type NoArgs = Record<string, never>;

/** A message's text as fetched: decoded by the shard when small (`decoded`), else raw for the parse pool. */
export type FetchedBody =
  | { decoded: ParseTextResult; headers?: never; parts?: never }
  | { decoded?: never; headers: Uint8Array; parts: TextPartInput[] };
export type FetchedMessage = { entry: MessageEntry; path: string; hasMore: boolean } & FetchedBody;
export type FetchedText =
  | { decoded: ParseTextResult; parts?: never; hasMore: boolean }
  | { decoded?: never; parts: TextPartInput[]; hasMore: boolean };

/** What messageNew carries besides the logged event, fetched when it is delivered or read (never stored). */
export interface NotifyOptions {
  text: boolean;
  /** bytes each of plain and html is cut to */
  textSize: number;
  /** lower-case header names, or ['*'] */
  headers: string[];
}

/** The raw content of a messageNew's message, or why there is none (it is gone). */
export type NotifyContent =
  | { found: true; headers?: Uint8Array; parts: TextPartInput[]; hasMore: boolean }
  | { found: false; reason: string };

/** Fields added to a messageNew's data: decoded text and headers, or why they are missing. */
export interface NotifyExtra {
  text?: { plain?: string; html?: string; hasMore: boolean };
  headers?: Record<string, string[]>;
  contentUnavailable?: string;
}

/** First answer of a download; the bytes follow on the stream port. */
export interface StreamMeta {
  contentType: string;
  disposition: 'attachment' | 'inline';
  filename?: string;
  /** exact length in bytes, when known before the download */
  size?: number;
}

type Paging = { path: string; page: number; pageSize: number };

export type ReferenceAction = 'reply' | 'replyAll' | 'forward';

/** The message a submission replies to or forwards, as the composer needs it. */
export interface ReferenceInfo {
  path: string;
  uid: number;
  messageId?: string;
  inReplyTo?: string;
  /** the raw References header */
  references?: string;
  subject: string;
  date: string;
  from?: Address;
  replyTo?: Address[];
  to?: Address[];
  cc?: Address[];
  /** a forward's files, decoded */
  attachments: ExtraAttachment[];
  /** an inline forward's text parts, raw, for the parser pool */
  parts: TextPartInput[];
}

/** What the front needs from the account before composing a submission. */
export interface SubmitPrep {
  /** the default From: the account's own address */
  identity: Address | null;
  /** the account's addresses, lower-cased (a reply-all leaves them out) */
  own: string[];
  reference?: ReferenceInfo;
}

/** A composed submission to store in the outbox. */
export interface Submission {
  /** RFC 822 bytes, transferred */
  raw: Uint8Array;
  envelope: { from: string; to: string[] };
  messageId: string;
  subject: string;
  /** ms epoch */
  sendAt?: number;
  reference?: { path: string; uid: number; action: ReferenceAction };
  idempotencyKey?: string;
}

/** The messages of one folder a bulk write is about: listed ids, or a search. */
export type Selection = { refs: { ref: MessageRef; id: string }[] } | { search: SearchCriteria };
type One = { ref: MessageRef; id: string };

/** Ops addressed to one account; the shard that owns the account serves them. */
export interface AccountOps {
  /** expect: a sign-in's precondition (the account is still absent, or still that app login) */
  createAccount: { args: { input: AccountInput; expect?: GrantPrecondition }; result: PutAccountResult };
  getAccount: { args: NoArgs; result: AccountView };
  updateAccount: { args: { patch: AccountPatch; expect?: GrantPrecondition }; result: AccountAck };
  deleteAccount: { args: NoArgs; result: AccountAck };
  reconnectAccount: { args: NoArgs; result: AccountAck };
  /** the provider's callback of a sign-in started by startOAuth2: where the browser goes next */
  finishOAuth2: { args: { state: string; code?: string; error?: string; errorDescription?: string; cookie: string }; result: FlowHop };
  /** a current access token of an OAuth2 app login (refreshed when due) */
  getOAuthToken: { args: NoArgs; result: OAuthTokenView };
  listMailboxes: { args: NoArgs; result: { mailboxes: MailboxEntry[] } };
  createMailbox: { args: { path: string | string[] }; result: MailboxCreated };
  renameMailbox: { args: { path: string; newPath: string }; result: MailboxRenamed };
  deleteMailbox: { args: { path: string }; result: MailboxDeleted };
  listMessages: { args: Paging; result: MessageList };
  searchMessages: { args: Paging & { search: SearchCriteria }; result: MessageList };
  getMessage: { args: { ref: MessageRef; id: string; maxBytes: number; textType: TextType }; result: FetchedMessage };
  getText: { args: { ref: TextRef; id: string; maxBytes: number; textType: TextType }; result: FetchedText };
  openAttachment: { args: { ref: AttachmentRef; id: string; port: MessagePort }; result: StreamMeta };
  openSource: { args: { ref: MessageRef; id: string; port: MessagePort }; result: StreamMeta };
  updateFlags: { args: One & { flags?: FlagUpdate; labels?: LabelUpdate }; result: MessageUpdateResult };
  updateFlagsBulk: { args: { path: string; selection: Selection; flags: FlagUpdate }; result: BulkUpdateResult };
  moveMessage: { args: One & { destination: string }; result: MessageMoveResult };
  moveMessages: { args: { path: string; selection: Selection; destination: string }; result: BulkMoveResult };
  deleteMessage: { args: One & { force: boolean }; result: MessageDeleteResult };
  deleteMessages: { args: { path: string; selection: Selection; force: boolean }; result: BulkDeleteResult };
  /** `raw`: the RFC 822 bytes, transferred */
  uploadMessage: { args: { path: string; flags: string[]; raw: Uint8Array; date?: string }; result: MessageUploadResult };
  prepareSubmit: { args: { reference?: One & { action: ReferenceAction; inline: boolean }; maxBytes: number; sending: boolean }; result: SubmitPrep };
  enqueueSubmission: { args: Submission; result: SubmitResult };
  /** the kept IMAP traffic (settings `logs`), redacted; logged: whether it is kept now */
  getLogs: { args: NoArgs; result: { logged: boolean; text: string } };
  /** `expect`: what the event said of the message, so a reused UID (folder reset) is not taken for it */
  notifyContent: { args: { ref: MessageRef; id: string; maxBytes: number; text: boolean; headers: string[]; expect: { size?: number; messageId?: string } }; result: NotifyContent };
}

export interface ShardStats {
  shard: number;
  accounts: number;
  byState: Partial<Record<AccountState, number>>;
  /** how long work waited for the shard's thread since its window began (lib/loop-delay.ts), ms */
  eventLoopDelay: LoopDelayView;
}

/** Ops addressed to a whole shard; the front fans them out and merges the answers. */
export interface ShardOps {
  listAccounts: { args: { state?: AccountState }; result: { accounts: AccountSummary[] } };
  shardStats: { args: NoArgs; result: ShardStats };
  listOutbox: { args: { account?: string }; result: { entries: OutboxEntry[] } };
  getOutbox: { args: { queueId: string }; result: { entry: OutboxEntry | null } };
  /** found: whether this shard owned it; a submission being sent is a 409 */
  cancelOutbox: { args: { queueId: string }; result: { found: boolean } };
  /** the settings in LMDB changed (the front calls this after each settings write) */
  settingsChanged: { args: { resetLoggedAccounts?: boolean }; result: Record<string, never> };
  /** try IMAP and SMTP logins with settings stored nowhere; sent to one shard (callOne) */
  verifyAccount: { args: VerifyInput; result: VerifyResult };
  /** OAuth2 apps live in LMDB, which every shard reads; writes go to one shard (callOne) */
  listOAuth2Apps: { args: NoArgs; result: { apps: OAuth2AppView[] } };
  getOAuth2App: { args: { app: string }; result: OAuth2AppView };
  createOAuth2App: { args: { input: OAuth2AppInput }; result: OAuth2AppView };
  updateOAuth2App: { args: { app: string; patch: OAuth2AppPatch }; result: OAuth2AppView };
  /** the provider URL of a new sign-in with the app (any shard: the state is sealed) */
  startOAuth2: { args: OAuth2FlowStart & { app: string }; result: { url: string; expires: string } };
  /** the sign-in link was opened: on to the provider, with the cookie that marks the browser */
  openOAuth2: { args: { state: string }; result: FlowHop };
  /** refused (409) while an account logs in with the app */
  deleteOAuth2App: { args: { app: string }; result: { id: string; deleted: boolean } };
}

/** Ops served by the webhook worker: settings, dead letters, a test delivery, counters. */
export interface WebhookOps {
  getSettings: { args: NoArgs; result: SettingsView };
  updateSettings: { args: { patch: SettingsPatch }; result: SettingsView };
  listDeadLetters: { args: { page: number; pageSize: number; account?: string }; result: DeadLetterPage };
  replayDeadLetters: { args: ReplayInput; result: ReplayResult };
  testWebhook: { args: NoArgs; result: WebhookTestResult };
  webhookStats: { args: NoArgs; result: WebhookCounters };
}

/** Ops the front serves to the webhook worker: what needs shards and the parser pool. */
export interface FrontOps {
  /** the messageNew's data with its text and headers (or the reason they are missing) added */
  eventContent: { args: { account: string; data: Record<string, unknown>; options: NotifyOptions }; result: { data: Record<string, unknown> } };
}

export type Ops = AccountOps & ShardOps & WebhookOps & FrontOps;
export type AccountOp = keyof AccountOps;
export type ShardOp = keyof ShardOps;
export type WebhookOp = keyof WebhookOps;
export type FrontOp = keyof FrontOps;
export type Op = keyof Ops;
export type Args<K extends Op> = Ops[K]['args'];
export type Result<K extends Op> = Ops[K]['result'];

/** What a handler learns about the call besides its arguments. */
export interface CallMeta {
  /** absolute Date.now() after which the caller no longer waits */
  deadline: number;
}

export type AccountHandler<K extends AccountOp> = (account: string, args: Args<K>, meta: CallMeta) => Promise<Result<K>>;
export type AccountHandlers = { [K in AccountOp]: AccountHandler<K> };
export type ShardHandlers = { [K in ShardOp]: (args: Args<K>, meta: CallMeta) => Promise<Result<K>> };
export type Handlers = AccountHandlers & ShardHandlers;
export type WebhookHandlers = { [K in WebhookOp]: (args: Args<K>) => Promise<Result<K>> };
export type FrontHandlers = { [K in FrontOp]: (args: Args<K>) => Promise<Result<K>> };

const SHARD_OP_NAMES: Record<ShardOp, true> = { listAccounts: true, shardStats: true, listOutbox: true, getOutbox: true, cancelOutbox: true, settingsChanged: true, verifyAccount: true,
  listOAuth2Apps: true, getOAuth2App: true, createOAuth2App: true, updateOAuth2App: true, deleteOAuth2App: true, startOAuth2: true, openOAuth2: true,
};

export function isShardOp(op: Op): op is ShardOp {
  return op in SHARD_OP_NAMES;
}
