// Which folder is Sent, Trash, Drafts…: the server's SPECIAL-USE flag (RFC 6154) when it has
// one, else the names servers commonly give those folders.
import type { ListResponse, MailboxObject } from 'imapflow';

const FALLBACK_NAMES: Record<string, string> = {
  sent: '\\Sent', 'sent items': '\\Sent', 'sent mail': '\\Sent', 'sent messages': '\\Sent',
  drafts: '\\Drafts', draft: '\\Drafts', trash: '\\Trash', 'deleted items': '\\Trash', 'deleted messages': '\\Trash', bin: '\\Trash',
  junk: '\\Junk', spam: '\\Junk', 'junk e-mail': '\\Junk', 'bulk mail': '\\Junk', archive: '\\Archive', archives: '\\Archive', 'all mail': '\\All',
};

/** The special use of a listed folder; `\Inbox` for INBOX, null for an ordinary one. */
export function specialUseOf(m: Pick<ListResponse, 'path' | 'name' | 'specialUse'>): string | null {
  if (m.specialUse) return m.specialUse;
  if (m.path.toUpperCase() === 'INBOX') return '\\Inbox';
  return FALLBACK_NAMES[m.name.toLowerCase()] ?? null;
}

/** The special use of a selected folder, by the same rules as specialUseOf. */
export function folderSpecialUse(m: MailboxObject): string | null {
  const name = m.delimiter ? m.path.slice(m.path.lastIndexOf(m.delimiter) + 1) : m.path;
  return specialUseOf({ path: m.path, name, specialUse: m.specialUse });
}

export const isSelectable = (m: ListResponse): boolean => !m.flags?.has('\\Noselect') && !m.flags?.has('\\NonExistent');

/** The folder that serves `use` (e.g. `\Trash`): a flagged one wins over one found by name. */
export function findSpecial(list: readonly ListResponse[], use: string): ListResponse | undefined {
  const selectable = list.filter(isSelectable);
  return selectable.find((m) => m.specialUse === use) ?? selectable.find((m) => specialUseOf(m) === use);
}
