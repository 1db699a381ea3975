// Reads a BODYSTRUCTURE tree the way a mail client shows it: which parts are the plain and
// html text, and which are attachments (inline ones included), with their part numbers.
import type { MessageStructureObject } from 'imapflow';

export interface TextPartRef {
  part: string;
  type: 'text/plain' | 'text/html';
  size: number;
  charset?: string;
  encoding?: string;
  format?: string;
  delsp?: string;
}

export interface AttachmentPart {
  part: string;
  contentType: string;
  size: number;
  filename?: string;
  inline: boolean;
  /** shown inside the HTML: a part with a Content-ID within multipart/related (RFC 2387), which
   *  the HTML refers to by cid: (RFC 2392) */
  embedded: boolean;
  contentId?: string;
  encoding?: string;
}

export interface Structure {
  plain: TextPartRef[];
  html: TextPartRef[];
  attachments: AttachmentPart[];
}

const filenameOf = (node: MessageStructureObject): string | undefined =>
  node.dispositionParameters?.filename ?? node.parameters?.name;

function textRef(node: MessageStructureObject, type: 'text/plain' | 'text/html'): TextPartRef {
  const ref: TextPartRef = { part: node.part ?? '1', type, size: node.size ?? 0 };
  const p = node.parameters ?? {};
  if (p.charset) ref.charset = p.charset;
  if (node.encoding) ref.encoding = node.encoding;
  if (p.format) ref.format = p.format;
  if (p.delsp) ref.delsp = p.delsp;
  return ref;
}

function attachment(node: MessageStructureObject, inlineContext: boolean): AttachmentPart {
  const a: AttachmentPart = {
    part: node.part ?? '1',
    contentType: node.type.toLowerCase(),
    size: node.size ?? 0,
    inline: node.disposition ? node.disposition.toLowerCase() === 'inline' : inlineContext,
    embedded: inlineContext && !!node.id,
  };
  const filename = filenameOf(node);
  if (filename) a.filename = filename;
  if (node.id) a.contentId = node.id;
  if (node.encoding) a.encoding = node.encoding;
  return a;
}

/** Walk the tree: text bodies go to plain/html, everything else (or text sent as a file) is an attachment. */
export function readStructure(root: MessageStructureObject | undefined): Structure {
  const out: Structure = { plain: [], html: [], attachments: [] };
  const walk = (node: MessageStructureObject, alternative: boolean, related: boolean) => {
    const type = node.type.toLowerCase();
    if (type.startsWith('multipart/')) {
      for (const child of node.childNodes ?? []) walk(child, type === 'multipart/alternative', related || type === 'multipart/related');
      return;
    }
    const isFile = node.disposition?.toLowerCase() === 'attachment' || (!!filenameOf(node) && !alternative);
    if ((type === 'text/plain' || type === 'text/html') && !isFile) {
      (type === 'text/plain' ? out.plain : out.html).push(textRef(node, type));
      return;
    }
    // message/rfc822 and other non-text leaves are files; RFC 2387 related parts are inline
    out.attachments.push(attachment(node, related));
  };
  if (root) walk(root, false, false);
  return out;
}

/** The leaf node numbered `part`, if the message has one (multipart containers do not count). */
export function findLeaf(root: MessageStructureObject | undefined, part: string): MessageStructureObject | undefined {
  if (!root) return undefined;
  if (!root.childNodes?.length) return (root.part ?? '1') === part ? root : undefined;
  for (const child of root.childNodes) {
    const hit = findLeaf(child, part);
    if (hit) return hit;
  }
  return undefined;
}
