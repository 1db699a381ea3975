// Settings tab: where events go (webhook URL, on/off, which events, signing secret), a signed
// test delivery with the receiver's answer, and the dead letters with replay.
import { api } from './api.js';
import { fill, h, status, when } from './dom.js';

export function settingsTab(root) {
  const note = h('p', { class: 'status', role: 'status', id: 'settings-status' });
  const testNote = h('p', { class: 'status', role: 'status', id: 'webhook-test-result' });
  const events = h('div', { class: 'event-filter' });
  const secretState = h('small', { class: 'hint' });
  const form = h('form', { id: 'webhook-settings', class: 'card' },
    h('h3', {}, 'Webhooks'),
    h('label', { class: 'wide' }, 'Webhook URL ', h('input', { name: 'webhooks', type: 'url', placeholder: 'https://example.com/hooks/imap', maxlength: '2048' })),
    h('label', { class: 'inline' }, h('input', { name: 'webhooksEnabled', type: 'checkbox' }), ' Deliver events (off: paused; turning it on again skips what happened meanwhile)'),
    h('fieldset', {}, h('legend', {}, 'Events to send'), events),
    h('label', { class: 'wide' }, 'Signing secret ', h('input', { name: 'secret', type: 'password', minlength: '16', autocomplete: 'new-password', placeholder: 'unchanged' }), secretState),
    h('label', { class: 'inline' }, h('input', { name: 'clearSecret', type: 'checkbox' }), ' Remove the signing secret'),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Save'),
      h('button', { type: 'button', name: 'test', onclick: () => sendTest() }, 'Send test webhook')),
    note, testNote);
  const dead = deadLetters();
  let savedUrl = ''; // the test goes to the saved URL, not to what is typed
  fill(root, h('h2', {}, 'Settings'), form, dead.el);

  function renderEvents(names, chosen) {
    const all = chosen.includes('*');
    fill(events,
      h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'event', value: '*', checked: all, onchange: syncAll }), ' all events'),
      names.map((n) => h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'event', value: n, checked: all || chosen.includes(n), disabled: all }), ` ${n}`)));
  }

  function syncAll() {
    const all = form.querySelector('input[name=event][value="*"]').checked;
    for (const box of form.querySelectorAll('input[name=event]:not([value="*"])')) {
      box.disabled = all;
      if (all) box.checked = true;
    }
  }

  async function load() {
    try {
      const s = await api('GET', '/v1/settings');
      savedUrl = s.webhooks ?? '';
      form.elements.webhooks.value = savedUrl;
      form.elements.webhooksEnabled.checked = s.webhooksEnabled;
      form.elements.secret.value = '';
      form.elements.clearSecret.checked = false;
      secretState.textContent = s.secretSet ? ' a secret is set (write-only: type a new one to replace it)' : ' none set: deliveries are not signed';
      renderEvents(s.eventTypes ?? [], s.webhookEvents);
    } catch (err) {
      status(note, `Could not read the settings: ${err.message}`, false);
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = [...form.querySelectorAll('input[name=event]:checked')].map((b) => b.value);
    const patch = {
      webhooks: form.elements.webhooks.value.trim() || null,
      webhooksEnabled: form.elements.webhooksEnabled.checked,
      webhookEvents: chosen.includes('*') ? ['*'] : chosen,
    };
    if (form.elements.clearSecret.checked) patch.secret = null;
    else if (form.elements.secret.value) patch.secret = form.elements.secret.value;
    if (!patch.webhookEvents.length) return status(note, 'Choose at least one event (or pause delivery instead).', false);
    try {
      const { updated } = await api('POST', '/v1/settings', patch);
      status(note, `Saved: ${updated.join(', ')}`);
      await load();
    } catch (err) {
      status(note, err.message, false);
    }
  });

  async function sendTest() {
    // a slow receiver takes up to the delivery timeout: one test at a time
    const button = form.elements.test;
    if (form.elements.webhooks.value.trim() !== savedUrl) return status(testNote, 'The URL has unsaved changes: Save first (the test goes to the saved URL).', false);
    button.disabled = true;
    status(testNote, 'Sending a test event to the saved URL…');
    try {
      const r = await api('POST', '/v1/webhooks/test');
      const answer = r.status === null ? 'no answer' : `HTTP ${r.status}`;
      const why = r.error && r.error !== answer ? ` (${r.error})` : '';
      status(testNote, `Receiver: ${answer} in ${Math.round(r.durationMs)} ms${why} at ${when(new Date().toISOString())}`, r.ok);
    } catch (err) {
      status(testNote, err.message, false);
    } finally {
      button.disabled = false;
    }
  }

  load();
  return { reload: () => { load(); dead.load(); } };
}

/** The dead-letter list: events that failed for the whole retention window, with replay. */
function deadLetters() {
  const note = h('p', { class: 'status', role: 'status', id: 'dead-letter-status' });
  const body = h('tbody');
  const el = h('div', { class: 'card', id: 'dead-letters' },
    h('div', { class: 'card-head' }, h('h3', {}, 'Dead letters'),
      h('span', {}, h('button', { onclick: () => load() }, 'Refresh'), ' ', h('button', { onclick: () => replay({}) }, 'Replay all'))),
    h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, ['Event', 'Account', 'Type', 'Reason', 'Status', 'Attempts', 'Parked', ''].map((t) => h('th', {}, t)))), body)),
    note);

  async function load() {
    try {
      const page = await api('GET', '/v1/webhooks/failed?pageSize=100');
      fill(body, page.failed.length ? page.failed.map((d) => h('tr', {},
        h('td', {}, d.id), h('td', {}, d.account), h('td', {}, d.event), h('td', { class: 'error-text' }, d.reason),
        h('td', {}, d.status ?? '—'), h('td', { class: 'num' }, d.attempts), h('td', {}, when(d.parkedAt)),
        h('td', {}, h('button', { onclick: () => replay({ ids: [d.id] }) }, 'Replay')))) : h('tr', {}, h('td', { colspan: '8', class: 'empty' }, 'None: every event was delivered or is still being retried.')));
      if (page.total > page.failed.length) status(note, `Showing the newest ${page.failed.length} of ${page.total}.`);
    } catch (err) {
      status(note, `Could not list dead letters: ${err.message}`, false);
    }
  }

  async function replay(selection) {
    status(note, 'Replaying…');
    try {
      const r = await api('POST', '/v1/webhooks/replay', selection);
      status(note, `Replayed ${r.replayed}, still failing ${r.failed}, remaining ${r.remaining}.`, r.failed === 0);
    } catch (err) {
      status(note, err.message, false);
    }
    load();
  }

  load();
  return { el, load };
}
