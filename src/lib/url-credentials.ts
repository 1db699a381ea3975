// A URL with credentials in it (https://user:pass@host/…) as HTTP clients want it: fetch
// refuses such a URL and undici silently drops them, so they travel as Basic auth instead.

export interface Target {
  /** the URL without user and password */
  url: string;
  /** `Basic …` when the URL had credentials */
  authorization?: string;
}

/** Percent-decoding that leaves a stray `%` as it is (the URL parser keeps one in a password). */
const decoded = (s: string) => s.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
  try {
    return decodeURIComponent(run);
  } catch {
    return run;
  }
});

/** Split `raw` into the URL to request and the Authorization header its credentials make. */
export function withoutCredentials(raw: string | URL): Target {
  const url = new URL(raw);
  if (!url.username && !url.password) return { url: url.href };
  const pair = `${decoded(url.username)}:${decoded(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.href, authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}
