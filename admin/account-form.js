// The "add account" form of the Accounts tab: IMAP (and optional SMTP) settings, a Verify
// button that tries the logins without storing anything, and Add, which registers the account.
import { api } from './api.js';
import { h, status } from './dom.js';

const server = (prefix, label, port, secure) => h('fieldset', { class: 'server' },
  h('legend', {}, label),
  h('label', {}, 'Host ', h('input', { name: `${prefix}Host`, placeholder: `${prefix}.example.com`, autocomplete: 'off', required: prefix === 'imap' })),
  h('label', {}, 'Port ', h('input', { name: `${prefix}Port`, type: 'number', min: '1', max: '65535', value: port, required: prefix === 'imap' })),
  h('label', { class: 'inline' }, h('input', { name: `${prefix}Secure`, type: 'checkbox', checked: secure }), ' TLS from the start'),
  h('label', {}, 'User ', h('input', { name: `${prefix}User`, autocomplete: 'off' })),
  h('label', {}, 'Password ', h('input', { name: `${prefix}Pass`, type: 'password', autocomplete: 'new-password' })));

/** The settings one server block holds, as the API takes them. */
function serverOf(form, prefix) {
  const value = (name) => form.elements[`${prefix}${name}`].value.trim();
  const settings = { host: value('Host'), port: Number(value('Port')), secure: form.elements[`${prefix}Secure`].checked };
  if (value('User') || form.elements[`${prefix}Pass`].value) settings.auth = { user: value('User'), pass: form.elements[`${prefix}Pass`].value };
  return settings;
}

function outcome(label, o) {
  if (!o) return null;
  return h('li', { class: o.success ? 'ok' : 'error' }, `${label}: `, o.success ? 'login works' : `${o.error ?? 'failed'}${o.code ? ` (${o.code})` : ''}`);
}

/** `added` is called after an account was registered. */
export function accountForm(added) {
  const note = h('p', { class: 'status', role: 'status', id: 'account-form-status' });
  const results = h('ul', { class: 'verify-results' });
  const form = h('form', { id: 'add-account', class: 'card', autocomplete: 'off' },
    h('h3', {}, 'Add an account with its IMAP login'),
    h('div', { class: 'row' },
      h('label', {}, 'Account id ', h('input', { name: 'account', required: true, maxlength: '256', placeholder: 'e.g. user42' })),
      h('label', {}, 'Name ', h('input', { name: 'name', maxlength: '256' })),
      h('label', {}, 'Email ', h('input', { name: 'email', type: 'email' }))),
    server('imap', 'IMAP', '993', true),
    h('details', {}, h('summary', {}, 'SMTP (for sending)'), server('smtp', 'SMTP', '465', true)),
    h('div', { class: 'buttons' },
      h('button', { type: 'button', name: 'verify', onclick: () => verify() }, 'Verify'),
      h('button', { type: 'submit', class: 'primary' }, 'Add account')),
    results, note);

  const smtpOf = () => (form.elements.smtpHost.value.trim() ? serverOf(form, 'smtp') : undefined);

  /** The browser's own checks of the server fields (Verify is not a submit, so they do not run by themselves). */
  const serverFieldsValid = () => ['imapHost', 'imapPort', 'smtpPort'].every((name) => form.elements[name].reportValidity());

  /** One request at a time: a slow server must not be asked twice by an impatient second click. */
  async function busy(work) {
    const buttons = form.querySelectorAll('.buttons button');
    for (const b of buttons) b.disabled = true;
    try {
      await work();
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  }

  async function verify() {
    if (!serverFieldsValid()) return;
    results.replaceChildren();
    status(note, 'Trying the logins…');
    await busy(async () => {
      try {
        const smtp = smtpOf();
        const result = await api('POST', '/v1/verifyAccount', { imap: serverOf(form, 'imap'), ...(smtp ? { smtp } : {}) });
        const tried = [result.imap, result.smtp].filter(Boolean);
        results.append(...[outcome('IMAP', result.imap), outcome('SMTP', result.smtp)].filter(Boolean));
        const failed = tried.filter((o) => !o.success).length;
        status(note, failed ? `${failed === tried.length ? 'Login failed' : 'A login failed'}: see above; nothing was stored.` : 'Logins work; nothing was stored.', !failed);
      } catch (err) {
        status(note, err.message, false);
      }
    });
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (serverFieldsValid()) busy(add);
  });

  async function add() {
    const body = { account: form.elements.account.value.trim(), imap: serverOf(form, 'imap') };
    for (const key of ['name', 'email']) if (form.elements[key].value.trim()) body[key] = form.elements[key].value.trim();
    const smtp = smtpOf();
    if (smtp) body.smtp = smtp;
    try {
      const result = await api('POST', '/v1/account', body);
      status(note, `${result.account}: ${result.state === 'new' ? 'added' : 'settings replaced'}; connecting…`);
      form.reset();
      results.replaceChildren();
      added(result.account);
    } catch (err) {
      status(note, err.message, false);
    }
  }
  return form;
}
