// One row of the account list, and what a state frame changes in it.
import { h, when } from './dom.js';

/** `act` has the row's buttons: folders(id), reconnect(id), toggle(id, disabled), remove(id). */
export function accountRow(a, act) {
  const errors = a.counters.connectErrors + a.counters.authErrors;
  return h('tr', { 'data-account': a.account },
    h('td', {}, h('a', { href: '#accounts', onclick: (e) => { e.preventDefault(); act.folders(a.account); } }, a.account)),
    h('td', {}, a.name),
    h('td', {}, h('span', { class: `badge state-${a.state}`, 'data-state': a.state }, a.state)),
    h('td', { class: 'error-text' }, a.lastError ? [a.lastError.message, h('br'), h('small', {}, when(a.lastError.time))] : ''),
    h('td', { title: `disconnects: ${a.counters.disconnects}` }, a.counters.connects),
    h('td', { title: `connect errors: ${a.counters.connectErrors}, authentication errors: ${a.counters.authErrors}` }, errors),
    h('td', {}, when(a.syncTime)),
    h('td', { class: 'actions' },
      h('button', { onclick: () => act.folders(a.account) }, 'Folders'),
      h('button', { onclick: () => act.reconnect(a.account), disabled: a.disabled }, 'Reconnect'),
      h('button', { onclick: () => act.toggle(a.account, a.disabled) }, a.disabled ? 'Enable' : 'Disable'),
      h('button', { class: 'danger', onclick: () => act.remove(a.account) }, 'Delete')));
}

/** The summary as a state frame leaves it (counters and sync time come with the next list). */
export function withState(summary, frame) {
  // `disabled` too: the row's Enable/Disable button must match the state it shows at once
  const next = { ...summary, state: frame.state, disabled: frame.state === 'disabled' };
  if (frame.lastError) next.lastError = frame.lastError;
  else if (frame.state === 'connected') delete next.lastError;
  return next;
}
