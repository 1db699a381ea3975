// The dead-letter list of the Settings tab: events that failed for the whole retention window,
// with replay of one or all.
import { api } from './api.js';
import { fill, h, status, when } from './dom.js';

/** The dead-letter list: events that failed for the whole retention window, with replay. */
export function deadLetters() {
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
