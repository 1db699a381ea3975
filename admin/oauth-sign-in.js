// Adding an account by signing in with an OAuth2 app: the form that sends the browser to the
// provider, and the outcome the server's callback puts in this page's address when it is back.
import { api, path } from './api.js';
import { fill, h, status } from './dom.js';

/** The query parameters the callback adds (see GET /oauth/callback). */
const OUTCOME = ['account', 'result', 'user', 'error', 'message'];
/** The account whose sign-in this tab started: only its outcome is shown (a link anyone can
 *  craft with an outcome in it shows nothing). */
const PENDING = 'imapapi-oauth-pending';

/** The box of the Accounts tab that holds the sign-in form, filled once the apps are known. */
export function signInBox() {
  const box = h('div', { id: 'oauth-sign-in-box' });
  load(box);
  return box;
}

async function load(box) {
  let apps = [];
  try {
    apps = (await api('GET', '/v1/oauth2')).apps;
  } catch {
    // a token that may not list apps can still add accounts with passwords: no form then
  }
  if (apps.length) fill(box, signInForm(apps));
  else fill(box, h('p', { class: 'hint', id: 'oauth-hint' }, 'To add accounts by signing in with Google, Microsoft or another OAuth2 provider, register the app with POST /v1/oauth2 and reload.'));
}

function signInForm(apps) {
  const note = h('p', { class: 'status', role: 'status', id: 'oauth-status' });
  const label = (app) => `Sign in with ${app.name}`;
  const submit = h('button', { type: 'submit', class: 'primary' }, label(apps[0]));
  const choice = h('select', { name: 'app', onchange: () => { submit.textContent = label(apps[choice.selectedIndex]); } },
    apps.map((app) => h('option', { value: app.id }, `${app.name} (${app.provider})`)));
  const form = h('form', { id: 'oauth-sign-in', class: 'card', autocomplete: 'off' },
    h('h3', {}, 'Add an account by signing in'),
    h('div', { class: 'row' },
      // one app: its name is on the button, a choice of one would only be noise
      apps.length > 1 && h('label', {}, 'App ', choice),
      h('label', {}, 'Account id ', h('input', { name: 'account', required: true, maxlength: '256', placeholder: 'e.g. user42' })),
      h('label', {}, 'Name ', h('input', { name: 'name', maxlength: '256' })),
      h('label', {}, 'Address hint ', h('input', { name: 'loginHint', type: 'email', maxlength: '320', placeholder: 'preselected at the provider' }))),
    h('p', { class: 'hint' }, 'The provider asks you to sign in and comes back here; the account is added then.'),
    h('div', { class: 'buttons' }, submit),
    note);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    // back to this origin exactly: the tab's session storage (token, pending sign-in) lives there
    const body = { account: form.elements.account.value.trim(), redirect: `${location.origin}${location.pathname}#accounts` };
    for (const key of ['name', 'loginHint']) if (form.elements[key].value.trim()) body[key] = form.elements[key].value.trim();
    submit.disabled = true;
    try {
      const { url } = await api('POST', path`/v1/oauth2/${choice.value}/authorize`, body);
      sessionStorage.setItem(PENDING, body.account);
      status(note, 'Going to the provider…');
      // stays disabled: the page is leaving, a second click would start a second sign-in
      location.assign(url);
    } catch (err) {
      status(note, err.message, false);
      submit.disabled = false;
    }
  });
  return form;
}

/** What the last sign-in came back with ({ text, ok }), or null; its parameters leave the
 *  address bar at once, so a reload or a bookmark does not show it again. */
export function signInOutcome() {
  const query = new URLSearchParams(location.search);
  const account = query.get('account');
  const failed = query.has('error') || query.has('message');
  if (!account || !(failed || query.has('result'))) return null;
  const started = sessionStorage.getItem(PENDING) === account;
  sessionStorage.removeItem(PENDING);
  // all of it came through the provider's redirect: shown as text only (status sets textContent)
  const outcome = failed
    ? { ok: false, text: `Sign-in for account ${account} failed: ${query.get('error') ?? 'error'}: ${query.get('message') ?? ''}` }
    : { ok: true, text: `Account ${account} ${query.get('result') === 'new' ? 'added' : 'updated'} as ${query.get('user') ?? 'an unnamed user'}; connecting…` };
  for (const key of OUTCOME) query.delete(key);
  const rest = query.toString();
  history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
  return started ? outcome : null;
}
