// Accounts tab: the paged list with state, last error and counters, kept live by the change
// stream (state frames and account events, never a polling loop), with the row actions.
import { api, path } from './api.js';
import { confirmDialog, fill, h, status, when } from './dom.js';
import { accountForm } from './account-form.js';
import { foldersPanel } from './folders.js';

const PAGE_SIZE = 50;
/** a page refetch waits this long for more changes */
const REFRESH_DELAY = 300;

export function accountsTab(root, stream) {
  const rows = new Map(); // account id → { summary, tr }
  let pending = null; // timer of a coalesced page refetch
  let page = 0;
  let folders = null; // { account, panel }
  const note = h('p', { class: 'status', id: 'accounts-status', role: 'status' });
  const body = h('tbody');
  const pager = h('div', { class: 'pager' });
  const table = h('div', { class: 'scroll' }, h('table', { id: 'account-list' },
    h('thead', {}, h('tr', {}, ['Account', 'Name', 'State', 'Last error', 'Connects', 'Errors', 'Last sync', ''].map((t) => h('th', {}, t)))),
    body));
  const folderBox = h('div', { id: 'folders' });
  fill(root, h('h2', {}, 'Accounts'), accountForm(() => load()), note, table, pager, folderBox);

  async function load() {
    try {
      const list = await api('GET', `/v1/accounts?page=${page}&pageSize=${PAGE_SIZE}`);
      // the last page can empty under us (accounts deleted here or elsewhere): show the new last one
      if (page > 0 && page >= list.pages) {
        page = Math.max(0, list.pages - 1);
        return load();
      }
      rows.clear();
      fill(body, list.accounts.map((a) => { const tr = row(a); rows.set(a.account, { summary: a, tr }); return tr; }));
      if (!list.accounts.length) body.append(h('tr', {}, h('td', { colspan: '8', class: 'empty' }, 'No accounts yet: add one above.')));
      renderPager(list);
    } catch (err) {
      status(note, `Could not list accounts: ${err.message}`, false);
    }
  }

  function renderPager(list) {
    fill(pager, `${list.total} account${list.total === 1 ? '' : 's'}`,
      list.pages > 1 && [
        h('button', { disabled: page === 0, onclick: () => { page--; load(); } }, '‹ Previous'),
        ` page ${page + 1} of ${list.pages} `,
        h('button', { disabled: page + 1 >= list.pages, onclick: () => { page++; load(); } }, 'Next ›'),
      ]);
  }

  function row(a) {
    const errors = a.counters.connectErrors + a.counters.authErrors;
    return h('tr', { 'data-account': a.account },
      h('td', {}, h('a', { href: '#accounts', onclick: (e) => { e.preventDefault(); showFolders(a.account); } }, a.account)),
      h('td', {}, a.name),
      h('td', {}, h('span', { class: `badge state-${a.state}`, 'data-state': a.state }, a.state)),
      h('td', { class: 'error-text' }, a.lastError ? [a.lastError.message, h('br'), h('small', {}, when(a.lastError.time))] : ''),
      h('td', { title: `disconnects: ${a.counters.disconnects}` }, a.counters.connects),
      h('td', { title: `connect errors: ${a.counters.connectErrors}, authentication errors: ${a.counters.authErrors}` }, errors),
      h('td', {}, when(a.syncTime)),
      h('td', { class: 'actions' },
        h('button', { onclick: () => showFolders(a.account) }, 'Folders'),
        h('button', { onclick: () => act(a.account, 'reconnected', () => api('PUT', path`/v1/account/${a.account}/reconnect`, { reconnect: true })), disabled: a.disabled }, 'Reconnect'),
        h('button', { onclick: () => act(a.account, a.disabled ? 'enabled' : 'disabled', () => api('PUT', path`/v1/account/${a.account}`, { disabled: !a.disabled })) }, a.disabled ? 'Enable' : 'Disable'),
        h('button', { class: 'danger', onclick: () => remove(a.account) }, 'Delete')));
  }

  async function act(account, done, call, again = true) {
    try {
      await call();
      status(note, `${account}: ${done}`);
      if (again) refresh(account);
    } catch (err) {
      status(note, `${account}: ${err.message}`, false);
    }
  }

  async function remove(account) {
    if (!(await confirmDialog(`Delete the account "${account}" and everything stored for it? Mail on the IMAP server is not touched.`, 'Delete'))) return;
    await act(account, 'deleted', () => api('DELETE', path`/v1/account/${account}`), false);
    rows.delete(account); // its last state frames and events must not ask for it again
    if (folders?.account === account) closeFolders();
    load();
  }

  function showFolders(account) {
    closeFolders();
    folders = { account, panel: foldersPanel(account, closeFolders) };
    folderBox.append(folders.panel.el);
    // below a page of 50 rows the panel would open out of sight
    folders.panel.el.scrollIntoView({ block: 'start' });
  }

  function closeFolders() {
    folders?.panel.el.remove();
    folders = null;
  }

  /** Fetch the page again after a change to one of its accounts, once per burst of changes.
   *  The list, not the account: it never answers 404 for one deleted meanwhile. */
  function refresh(account) {
    if (!rows.has(account) || pending) return;
    pending = setTimeout(() => { pending = null; load(); }, REFRESH_DELAY);
  }

  function replace(a) {
    const known = rows.get(a.account);
    if (!known) return;
    const tr = row(a);
    known.tr.replaceWith(tr);
    rows.set(a.account, { summary: a, tr });
  }

  stream.on('open', () => load());
  stream.on('state', (frame) => {
    const known = rows.get(frame.account);
    if (!known) return;
    // `disabled` too: the row's Enable/Disable button must match the state it shows at once
    const summary = { ...known.summary, state: frame.state, disabled: frame.state === 'disabled' };
    if (frame.lastError) summary.lastError = frame.lastError;
    else if (frame.state === 'connected') delete summary.lastError;
    replace(summary);
    refresh(frame.account); // counters and sync time come with the account itself
  });
  stream.on('event', (e) => {
    if (e.event === 'accountDeleted' && folders?.account === e.account) closeFolders();
    if (e.event === 'accountAdded' || e.event === 'accountDeleted') return load();
    if (e.path === null) refresh(e.account);
    if (folders?.account === e.account) folders.panel.changed(e);
  });
  load();
}
