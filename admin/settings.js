// Settings tab: where events go (webhook URL, on/off, which events, signing secret), a signed
// test delivery with the receiver's answer, and the dead letters with replay.
import { api } from './api.js';
import { fill, h, status, when } from './dom.js';
import { deadLetters } from './dead-letters.js';

/** POST a test event to the saved URL and say how the receiver answered (one at a time: a
 *  slow receiver takes up to the delivery timeout). */
async function sendTest(form, testNote, savedUrl) {
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

/** The event checkboxes: "all events" (`*`) or a choice among the names. */
function eventFilter() {
  const el = h('div', { class: 'event-filter' });
  const boxes = () => el.querySelectorAll('input[name=event]:not([value="*"])');
  const syncAll = () => {
    const all = el.querySelector('input[name=event][value="*"]').checked;
    for (const box of boxes()) {
      box.disabled = all;
      if (all) box.checked = true;
    }
  };
  return {
    el,
    render(names, chosen) {
      const all = chosen.includes('*');
      fill(el,
        h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'event', value: '*', checked: all, onchange: syncAll }), ' all events'),
        names.map((n) => h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'event', value: n, checked: all || chosen.includes(n), disabled: all }), ` ${n}`)));
    },
    chosen: () => [...el.querySelectorAll('input[name=event]:checked')].map((b) => b.value),
  };
}

export function settingsTab(root) {
  const note = h('p', { class: 'status', role: 'status', id: 'settings-status' });
  const testNote = h('p', { class: 'status', role: 'status', id: 'webhook-test-result' });
  const events = eventFilter();
  const secretState = h('small', { class: 'hint' });
  const form = h('form', { id: 'webhook-settings', class: 'card' },
    h('h3', {}, 'Webhooks'),
    h('label', { class: 'wide' }, 'Webhook URL ', h('input', { name: 'webhooks', type: 'url', placeholder: 'https://example.com/hooks/imap', maxlength: '2048' })),
    h('label', { class: 'inline' }, h('input', { name: 'webhooksEnabled', type: 'checkbox' }), ' Deliver events (off: paused; turning it on again skips what happened meanwhile)'),
    h('fieldset', {}, h('legend', {}, 'Events to send'), events.el),
    h('label', { class: 'wide' }, 'Signing secret ', h('input', { name: 'secret', type: 'password', minlength: '16', autocomplete: 'new-password', placeholder: 'unchanged' }), secretState),
    h('label', { class: 'inline' }, h('input', { name: 'clearSecret', type: 'checkbox' }), ' Remove the signing secret'),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Save'),
      h('button', { type: 'button', name: 'test', onclick: () => sendTest(form, testNote, savedUrl) }, 'Send test webhook')),
    note, testNote);
  const dead = deadLetters();
  let savedUrl = ''; // the test goes to the saved URL, not to what is typed
  fill(root, h('h2', {}, 'Settings'), form, dead.el);

  async function load() {
    try {
      const s = await api('GET', '/v1/settings');
      savedUrl = s.webhooks ?? '';
      form.elements.webhooks.value = savedUrl;
      form.elements.webhooksEnabled.checked = s.webhooksEnabled;
      form.elements.secret.value = '';
      form.elements.clearSecret.checked = false;
      secretState.textContent = s.secretSet ? ' a secret is set (write-only: type a new one to replace it)' : ' none set: deliveries are not signed';
      events.render(s.eventTypes ?? [], s.webhookEvents);
    } catch (err) {
      status(note, `Could not read the settings: ${err.message}`, false);
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = events.chosen();
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

  load();
  return { reload: () => { load(); dead.load(); } };
}
