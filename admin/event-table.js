// The event list of the Events tab and the JSON pane beside it: rows newest first, each
// opened by click or by Enter/Space (rows are focusable), the open one highlighted.
import { fill, h, when } from './dom.js';

export function eventTable(keep) {
  let selected = null;
  const list = h('tbody');
  const detail = h('pre', { id: 'event-json', class: 'json' }, 'Click an event to see its JSON.');
  const el = h('div', { class: 'split' },
    h('div', { class: 'scroll' }, h('table', { id: 'event-list' }, h('thead', {}, h('tr', {}, ['Id', 'Time', 'Account', 'Event', 'Folder'].map((t) => h('th', {}, t)))), list)),
    detail);

  function tr(e) {
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

  return {
    el,
    /** show exactly these events (oldest first), newest on top */
    render: (events) => fill(list, events.slice().reverse().map(tr)),
    /** one more, on top; the oldest rows beyond `keep` go */
    prepend(e) {
      list.prepend(tr(e));
      while (list.children.length > keep) list.lastChild.remove();
    },
  };
}
