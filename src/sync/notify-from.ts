// Which new messages are announced: those whose internal date is not older than the
// account's notifyFrom. Internal dates have whole seconds (RFC 3501 date-time), so the
// comparison is by the second: a message in the same second as notifyFrom counts as new.

/** Whether a message with this internal date gets a messageNew (no date: announced). */
export function isAnnounced(internalDate: Date | string | undefined, notifyFrom: number): boolean {
  if (internalDate === undefined) return true;
  const t = (internalDate instanceof Date ? internalDate : new Date(internalDate)).getTime();
  if (Number.isNaN(t)) return true;
  return t >= Math.floor(notifyFrom / 1000) * 1000;
}

/** The SEARCH SINCE date that surely covers every message from `notifyFrom` on: SINCE has day
 *  granularity in the server's time zone (RFC 3501 §6.4.4), so a day earlier is safe. */
export function searchSince(notifyFrom: number): Date {
  return new Date(notifyFrom - 24 * 3600_000);
}
