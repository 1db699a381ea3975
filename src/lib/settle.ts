// Waiting for something with a time budget: shutdowns and logouts must not hang on a peer
// that never answers.

/** Resolves when `work` settles or `ms` have passed, whichever comes first; never rejects. */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}
