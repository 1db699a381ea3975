// The public REST API as this page calls it: JSON in and out, the API token (when the server
// asks for one) from this tab's session storage, and errors that say status, field and reason.

const TOKEN_KEY = 'imapapi.token';

export class ApiError extends Error {
  constructor(status, body) {
    super(describe(status, body));
    this.status = status;
    this.body = body;
  }
}

function describe(status, body) {
  if (!body || typeof body !== 'object') return `HTTP ${status}`;
  let text = `${body.statusCode ?? status} ${body.error ?? ''}: ${body.message ?? ''}`;
  if (Array.isArray(body.details)) {
    const fields = body.details.filter((d) => d && d.field).map((d) => `${d.field} ${d.reason}`);
    if (fields.length) text += ` (${fields.join('; ')})`;
  }
  return text;
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

const tokenListeners = [];
/** `fn` runs whenever the page got a new token (the docs link carries it). */
export function onToken(fn) {
  tokenListeners.push(fn);
}
const tokenChanged = () => { for (const fn of tokenListeners) fn(token()); };

/** Before the first call: when /health says the API needs a token and none is kept, ask for one
 *  (so the page does not start with a row of refused requests). */
export async function ensureToken() {
  const res = await fetch('/health', { headers: { accept: 'application/json' } });
  const health = await res.json().catch(() => ({}));
  if (health.auth === 'token' && !token()) await askForToken('This server needs an API token (an admin token sees every tab). Make one with: imapapi token create --scopes admin');
  tokenChanged();
}

let asking = null;
/** Show the token dialog once, however many requests were refused meanwhile; resolves true
 *  when a token was given. */
export function askForToken(reason) {
  asking ??= new Promise((resolve) => {
    const dialog = document.getElementById('token');
    const form = document.getElementById('token-form');
    document.getElementById('token-reason').textContent = reason || 'This server needs an API token.';
    form.token.value = '';
    dialog.addEventListener('close', () => {
      const value = form.token.value.trim();
      if (value) sessionStorage.setItem(TOKEN_KEY, value);
      asking = null;
      resolve(Boolean(value));
    }, { once: true });
    dialog.showModal();
  });
  return asking;
}

/** Call the API; resolves with the parsed JSON answer, rejects with an ApiError. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  const bearer = token();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text.slice(0, 200) };
  }
  if (res.status === 401 && (await askForToken(data?.message))) {
    tokenChanged();
    return api(method, path, body);
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** A path with its segments encoded: path`/v1/account/${id}`. */
export function path(strings, ...values) {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(values[i]) : ''), '');
}
