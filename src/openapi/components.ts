// The schemas the API document names (components/schemas): the shared shapes of the original
// IMAP API and ours. The builder puts each once under its name and refers to it everywhere.
import type { TSchema } from 'typebox';
import { AccountInput, AccountList, AccountPatch, AccountSummary, AccountView, Counters, LastError } from '../schemas/account.js';
import { ComposeAddress, ComposeAttachment } from '../schemas/compose.js';
import { AccountStateFrame, EVENT_PAYLOADS, Event, EventPayload, EventsPage, eventComponent } from '../schemas/events.js';
import { EVENT_NAMES } from '../events/types.js';
import { AccountData, EVENT_DATA, FolderData, MessageNewData, ProblemData } from '../schemas/event-data.js';
import { MailboxEntry, MailboxList } from '../schemas/mailbox.js';
import { Address, AttachmentEntry, MessageDetail, MessageEntry, MessageList, TextContent, TextInfo } from '../schemas/message.js';
import { SearchCriteria, SearchLevels, SearchOrAll } from '../schemas/search.js';
import { SettingsPatch, SettingsView } from '../schemas/settings.js';
import { OutboxEntry, SubmitBody, SubmitReference, SubmitResult } from '../schemas/submit.js';
import { VerifyInput, VerifyResult } from '../schemas/verify.js';
import { DeadLetter, TestEventPayload } from '../schemas/webhooks.js';
import { FlagResult, FlagUpdate, LabelUpdate, MessageUpload, MessageUploadResult } from '../schemas/write.js';

/** Name → schema; an inner one is listed before the ones that hold it (the builder relies on it). */
export const COMPONENTS: [string, TSchema][] = [
  ['Address', Address], ['ComposeAddress', ComposeAddress], ['ComposeAttachment', ComposeAttachment],
  ['AttachmentEntry', AttachmentEntry], ['TextInfo', TextInfo], ['TextContent', TextContent],
  ['MessageEntry', MessageEntry], ['MessageDetail', MessageDetail], ['MessageList', MessageList],
  ...Object.entries(SearchLevels), ['SearchCriteria', SearchCriteria], ['SearchOrAll', SearchOrAll], ['FlagUpdate', FlagUpdate], ['LabelUpdate', LabelUpdate], ['FlagResult', FlagResult],
  ['MessageUpload', MessageUpload], ['MessageUploadResult', MessageUploadResult],
  ['SubmitReference', SubmitReference], ['SubmitBody', SubmitBody], ['SubmitResult', SubmitResult], ['OutboxEntry', OutboxEntry],
  ['MailboxEntry', MailboxEntry], ['MailboxList', MailboxList],
  ['LastError', LastError], ['Counters', Counters], ['AccountInput', AccountInput], ['AccountPatch', AccountPatch],
  ['AccountSummary', AccountSummary], ['AccountList', AccountList], ['AccountView', AccountView],
  ['VerifyInput', VerifyInput], ['VerifyResult', VerifyResult],
  ['EventPayload', EventPayload], ['DeadLetter', DeadLetter], ['TestEvent', TestEventPayload],
  // what each event's data holds; shared shapes under one name
  ['MessageNewData', MessageNewData], ['MessageDeletedData', EVENT_DATA.messageDeleted], ['MessageUpdatedData', EVENT_DATA.messageUpdated],
  ['FolderData', FolderData], ['MailboxResetData', EVENT_DATA.mailboxReset], ['ProblemData', ProblemData],
  ['AuthenticationSuccessData', EVENT_DATA.authenticationSuccess], ['AccountData', AccountData],
  ['MessageSentData', EVENT_DATA.messageSent], ['MessageDeliveryErrorData', EVENT_DATA.messageDeliveryError], ['MessageFailedData', EVENT_DATA.messageFailed],
  // one payload per event type, the same for webhooks, stream frames and pull API items
  ...EVENT_NAMES.map((e): [string, TSchema] => [eventComponent(e), EVENT_PAYLOADS[e]]),
  ['Event', Event], ['EventsPage', EventsPage], ['AccountStateFrame', AccountStateFrame],
  ['SettingsPatch', SettingsPatch], ['SettingsView', SettingsView],
];
