// Composing a structured message for an upload or a submission: the checks no schema states,
// the account's identity and the referenced original from its shard, then the parse pool's
// composer, with the size limit applied to the files first and to the result last.
import { validationError } from '../errors.js';
import { decodeMessageId } from '../ids.js';
import { attachmentBytes, checkMessageFields } from '../messages/compose-check.js';
import { composeTaskFor, fieldsOf } from '../messages/submission.js';
import type { ComposeResult, ComposeTask } from '../parse/types.js';
import type { ReferenceAction, SubmitPrep } from '../protocol/ops.js';
import type { SubmitBody } from '../schemas/submit.js';
import type { RouteContext } from './route.js';
import { tooLarge } from './raw-message.js';

export interface Composed {
  result: ComposeResult;
  task: ComposeTask;
  prep: SubmitPrep;
  action: ReferenceAction;
}

function referenceOf(body: SubmitBody): { ref: ReturnType<typeof decodeMessageId>; id: string; action: ReferenceAction; inline: boolean } | undefined {
  if (!body.reference) return undefined;
  const id = body.reference.message;
  return { ref: decodeMessageId(id, 'reference.message'), id, action: body.reference.action ?? 'reply', inline: body.reference.inline ?? false };
}

/** Check, fetch what the message refers to, and compose it; nothing is stored or sent here. */
export async function composeMessage(ctx: RouteContext, account: string, body: SubmitBody, forSending: boolean): Promise<Composed> {
  const fields = fieldsOf(body);
  const problems = checkMessageFields(fields);
  if (problems.length) throw validationError(problems.slice(0, 20), 'Invalid body');
  if (attachmentBytes(fields) > ctx.maxMessageSize) throw tooLarge(ctx.maxMessageSize);
  const reference = referenceOf(body);
  const prep = await ctx.shards.callAccount(account, 'prepareSubmit', { ...(reference ? { reference } : {}), maxBytes: ctx.maxMessageSize, sending: forSending });
  let quoted: { text: string | null; html: string | null } | undefined;
  if (prep.reference?.parts.length) {
    const text = await ctx.parser.run({ kind: 'text', parts: prep.reference.parts });
    quoted = { text: text.plain, html: text.html };
  }
  const task = composeTaskFor(body, prep, quoted, forSending);
  const result = await ctx.parser.run(task);
  if (result.raw.byteLength > ctx.maxMessageSize) throw tooLarge(ctx.maxMessageSize);
  return { result, task, prep, action: reference?.action ?? 'reply' };
}
