// One account's folders with their counts, under the account list; counts are fetched again
// when the stream reports a change in that account (coalesced), not on a timer.
import { api, path } from './api.js';
import { fill, h, status } from './dom.js';

const REFRESH_DELAY = 500;
const FOLDER_EVENTS = new Set(['messageNew', 'messageDeleted', 'messageUpdated', 'mailboxNew', 'mailboxDeleted', 'mailboxReset']);

/** Sub-folders indented under the parents that are listed; one whose parent is not listed (a
 *  name the server holds only as a path, e.g. `Ä.ö` without `Ä`) shows its whole path, so it never
 *  looks like a child of the row above it. Indentation through CSSOM: the page's CSP refuses
 *  style attributes. */
function folderCell(m, listed) {
  let depth = 0;
  for (let parent = m.parentPath; parent && listed.has(parent); parent = listed.get(parent).parentPath) depth++;
  const shown = depth || !m.parentPath ? m.name || m.path : m.path;
  const td = h('td', { title: m.path }, shown);
  td.style.paddingLeft = `${0.6 + depth}em`;
  return td;
}

export function foldersPanel(account, close) {
  const note = h('p', { class: 'status', role: 'status' });
  const body = h('tbody');
  const el = h('div', { class: 'card folders', 'data-account': account },
    h('div', { class: 'card-head' }, h('h3', {}, `Folders of ${account}`), h('button', { onclick: close }, 'Close')),
    h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, ['Folder', 'Special use', 'Messages', 'Unseen', 'Subscribed'].map((t) => h('th', {}, t)))), body)),
    note);
  let timer = null;

  async function load() {
    try {
      const { mailboxes } = await api('GET', path`/v1/account/${account}/mailboxes`);
      const listed = new Map(mailboxes.map((m) => [m.path, m]));
      fill(body, mailboxes.map((m) => h('tr', { 'data-path': m.path },
        folderCell(m, listed),
        h('td', {}, m.specialUse ?? ''), h('td', { class: 'num' }, m.messages), h('td', { class: 'num' }, m.unseen ?? ''),
        h('td', {}, m.subscribed ? 'yes' : 'no'))));
      status(note, '');
    } catch (err) {
      status(note, `Could not list folders: ${err.message}`, false);
    }
  }

  // counted again only while the account is connected (else the API answers 503); a change
  // meanwhile is counted when it connects again
  let connected = true;
  let stale = false;
  let closed = false;
  const later = () => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = null;
      if (connected) load();
      else stale = true;
    }, REFRESH_DELAY);
  };
  load();
  return {
    el,
    changed(event) {
      if (FOLDER_EVENTS.has(event.event)) later();
    },
    /** closed: nothing more is asked (the account may be gone) */
    stop() {
      closed = true;
      clearTimeout(timer);
    },
    state(frame) {
      connected = frame.state === 'connected';
      if (connected && stale) {
        stale = false;
        later();
      }
    },
  };
}
