// Parse pool task file (piscina): decodes and composes MIME off the front thread's event loop,
// one task kind per module in src/parse/.
import { composeMessage } from '../src/parse/compose.js';
import { movable } from '../src/parse/movable.js';
import { parseText } from '../src/parse/text.js';
import type { ParseResult, ParseTask } from '../src/parse/types.js';

export default async function parse(task: ParseTask): Promise<ParseResult> {
  switch (task.kind) {
    case 'text':
      return await parseText(task);
    case 'compose': {
      const result = await composeMessage(task);
      return movable(result, [result.raw]);
    }
    default:
      // the union is exhaustive at compile time; this guards a task built by another version
      throw new Error(`unknown parse task kind: ${String((task as { kind: unknown }).kind)}`);
  }
}
