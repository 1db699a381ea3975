// Events tab: a live tail of the change stream, filtered by account and event type, with pause
// (events keep arriving and wait) and each event's JSON on click.
import { api } from './api.js';
import { fill, h } from './dom.js';
import { eventTable } from './event-table.js';

const KEEP = 500;

export function eventsTab(root, stream) {
  const seen = []; // newest last, at most KEEP
  let held = []; // arrived while paused
  let paused = false;
  let total = 0; // events seen since the page opened (only the newest KEEP are kept)
  const account = h('input', { name: 'account', placeholder: 'all accounts', oninput: render });
  const type = h('select', { name: 'event', onchange: render }, h('option', { value: '' }, 'all events'));
  const pause = h('button', { type: 'button', name: 'pause', onclick: togglePause }, 'Pause');
  const info = h('span', { class: 'hint', id: 'events-info' });
  const table = eventTable(KEEP);
  fill(root, h('h2', {}, 'Events'),
    h('div', { class: 'toolbar' }, h('label', {}, 'Account ', account), h('label', {}, 'Type ', type), pause, info),
    table.el);

  api('GET', '/v1/settings?eventTypes=true').then((s) => {
    for (const name of s.eventTypes ?? []) type.append(h('option', { value: name }, name));
  }, () => {});

  function matches(e) {
    const who = account.value.trim();
    return (!who || e.account === who) && (!type.value || e.event === type.value);
  }

  function render() {
    table.render(seen.filter(matches));
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
    if (matches(e)) table.prepend(e);
    info.textContent = counted();
  });
  render();
}
