// Events tab: a live tail of the change stream, filtered by account and event type, with pause
// (events keep arriving and wait) and each event's JSON on click.
import { api } from './api.js';
import { fill, h, when } from './dom.js';

const KEEP = 500;

export function eventsTab(root, stream) {
  const seen = []; // newest last, at most KEEP
  let held = []; // arrived while paused
  let paused = false;
  let selected = null;
  let total = 0; // events seen since the page opened (only the newest KEEP are kept)
  const account = h('input', { name: 'account', placeholder: 'all accounts', oninput: render });
  const type = h('select', { name: 'event', onchange: render }, h('option', { value: '' }, 'all events'));
  const pause = h('button', { type: 'button', name: 'pause', onclick: togglePause }, 'Pause');
  const info = h('span', { class: 'hint', id: 'events-info' });
  const list = h('tbody');
  const detail = h('pre', { id: 'event-json', class: 'json' }, 'Click an event to see its JSON.');
  fill(root, h('h2', {}, 'Events'),
    h('div', { class: 'toolbar' }, h('label', {}, 'Account ', account), h('label', {}, 'Type ', type), pause, info),
    h('div', { class: 'split' },
      h('div', { class: 'scroll' }, h('table', { id: 'event-list' }, h('thead', {}, h('tr', {}, ['Id', 'Time', 'Account', 'Event', 'Folder'].map((t) => h('th', {}, t)))), list)),
      detail));

  api('GET', '/v1/settings?eventTypes=true').then((s) => {
    for (const name of s.eventTypes ?? []) type.append(h('option', { value: name }, name));
  }, () => {});

  function matches(e) {
    const who = account.value.trim();
    return (!who || e.account === who) && (!type.value || e.event === type.value);
  }

  function tr(e) {
    // focusable, and Enter or Space opens it: the JSON is reachable without a mouse
    return h('tr', { 'data-id': e.id, 'data-event': e.event, class: e === selected ? 'selected' : '', tabindex: '0', onclick: () => show(e), onkeydown: (k) => opened(k, e) },
      h('td', { class: 'num' }, e.id), h('td', { class: 'nowrap' }, when(e.date)), h('td', {}, e.account), h('td', {}, e.event), h('td', {}, e.path ?? ''));
  }

  function opened(k, e) {
    if (k.key !== 'Enter' && k.key !== ' ') return;
    k.preventDefault();
    show(e);
  }

  function show(e) {
    selected = e;
    detail.textContent = JSON.stringify(e, null, 2);
    detail.scrollIntoView({ block: 'nearest' }); // on a narrow window it sits above the list
    for (const row of list.children) row.classList.toggle('selected', row.dataset.id === e.id);
  }

  function render() {
    fill(list, seen.filter(matches).reverse().map(tr));
    info.textContent = paused ? waiting() : counted();
  }

  const waiting = () => `paused: ${held.length} new event${held.length === 1 ? '' : 's'} waiting`;
  const counted = () => `${total} event${total === 1 ? '' : 's'} since this page opened${total > seen.length ? ` (the newest ${seen.length} kept)` : ''}`;

  function keep(events) {
    seen.push(...events);
    if (seen.length > KEEP) seen.splice(0, seen.length - KEEP);
  }

  function togglePause() {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) {
      keep(held);
      held = [];
    }
    render();
  }

  stream.on('event', (e) => {
    total++;
    if (paused) {
      held.push(e);
      if (held.length > KEEP) held.shift();
      info.textContent = waiting();
      return;
    }
    keep([e]);
    if (matches(e)) list.prepend(tr(e));
    while (list.children.length > KEEP) list.lastChild.remove();
    info.textContent = counted();
  });
  render();
}
