// Tasks the front thread hands to the parse pool and the results it gets back: plain,
// structured-clone-safe data so they cross the worker boundary unchanged.

/** One text/plain or text/html body part as fetched over IMAP, without its MIME headers. */
export interface TextPartInput {
  part: string;                 // IMAP part number, e.g. "1.2"
  type: 'text/plain' | 'text/html';
  charset?: string;             // from BODYSTRUCTURE parameters, any case; may be missing or unknown
  encoding?: string;            // Content-Transfer-Encoding from BODYSTRUCTURE, any case
  decoded?: boolean;            // fetched with FETCH BINARY (RFC 3516): transfer encoding already removed
  format?: string;              // format=flowed parameters (RFC 3676), when present
  delsp?: string;
  body: Uint8Array;             // raw part content, possibly cut at maxBytes
  truncated: boolean;           // body was cut, so its tail may hold half an escape or character
}

export interface ParseTextTask {
  kind: 'text';
  parts: TextPartInput[];
  headers?: Uint8Array;         // raw header block of the message, CRLF lines
}

export interface ParseTextResult {
  plain: string | null;         // plain parts joined with "\n"; null when none was asked
  html: string | null;          // html parts joined with "\n"; null when none was asked
  headers?: Record<string, string[]>; // only when task.headers was given, see parseHeaders()
}

export type ParseTask = ParseTextTask;
export type ParseResult = ParseTextResult;
