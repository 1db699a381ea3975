// UID sets as IMAP writes them (RFC 3501 §9 sequence-set): ascending runs folded into ranges,
// so a bulk command over thousands of messages stays a short line.

/** `[1,2,3,7,9,10]` → `"1:3,7,9:10"`; empty input gives an empty string. */
export function uidSet(uids: Iterable<number>): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    runs.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return runs.join(',');
}
