// Accounts tab: the paged list with state, last error and counters, kept live by the change
// stream (state frames and account events, never a polling loop), with the row actions.
import { api, path } from './api.js';
import { confirmDialog, fill, h, status } from './dom.js';
import { accountForm } from './account-form.js';
import { signInBox, signInOutcome } from './oauth-sign-in.js';
import { accountRow, withState } from './account-row.js';
import { foldersPanel } from './folders.js';

const PAGE_SIZE = 50;
/** a page refetch waits this long for more changes */
const REFRESH_DELAY = 300;

/** The page of accounts shown: only the newest load lands, and state frames that came while
 *  it was on its way are applied on top of it (they are newer than its answer). */
function accountList(body, pager, note, act) {
  const rows = new Map(); // account id → { summary, tr }
  let page = 0;
  let seq = 0;
  let inFlight = null; // account id → latest frame, while a load is on its way

  const put = (a) => {
    const tr = accountRow(a, act);
    rows.get(a.account)?.tr.replaceWith(tr);
    rows.set(a.account, { summary: a, tr });
    return tr;
  };

  async function load() {
    const mine = ++seq;
    inFlight = new Map();
    let list;
    try {
      list = await api('GET', `/v1/accounts?page=${page}&pageSize=${PAGE_SIZE}`);
    } catch (err) {
      if (mine === seq) status(note, `Could not list accounts: ${err.message}`, false);
      return;
    }
    if (mine !== seq) return;
    // the last page can empty under us (accounts deleted here or elsewhere): show the new last one
    if (page > 0 && page >= list.pages) {
      page = Math.max(0, list.pages - 1);
      return load();
    }
    const late = inFlight;
    inFlight = null;
    rows.clear();
    fill(body, list.accounts.map((a) => put(late.has(a.account) ? withState(a, late.get(a.account)) : a)));
    if (!list.accounts.length) body.append(h('tr', {}, h('td', { colspan: '8', class: 'empty' }, 'No accounts yet: add one above.')));
    renderPager(list);
  }

  function renderPager(list) {
    const go = (to) => () => { page = to; load(); };
    fill(pager, `${list.total} account${list.total === 1 ? '' : 's'}`,
      list.pages > 1 && [
        h('button', { disabled: page === 0, onclick: go(page - 1) }, '‹ Previous'),
        ` page ${page + 1} of ${list.pages} `,
        h('button', { disabled: page + 1 >= list.pages, onclick: go(page + 1) }, 'Next ›'),
      ]);
  }

  return {
    load,
    has: (account) => rows.has(account),
    drop: (account) => rows.delete(account),
    /** a state frame: shown at once when the row is here, kept when a load is on its way */
    state(frame) {
      inFlight?.set(frame.account, frame);
      const known = rows.get(frame.account);
      if (known) put(withState(known.summary, frame));
    },
  };
}

/** The one folder panel open under the list (or none). */
function folderSlot(box) {
  let open = null; // { account, panel }
  const close = () => {
    open?.panel.stop();
    open?.panel.el.remove();
    open = null;
  };
  return {
    close,
    show(account) {
      close();
      open = { account, panel: foldersPanel(account, close) };
      box.append(open.panel.el);
      // below a page of 50 rows the panel would open out of sight
      open.panel.el.scrollIntoView({ block: 'start' });
    },
    /** its account changed state: the panel counts only while it is connected */
    state(frame) {
      if (open?.account === frame.account) open.panel.state(frame);
    },
    /** a change in `account`: its panel, when open, counts again (or closes: account deleted) */
    changed(account, event) {
      if (open?.account !== account) return;
      if (event.event === 'accountDeleted') close();
      else open.panel.changed(event);
    },
  };
}

export function accountsTab(root, stream) {
  let pending = null; // timer of a coalesced page refetch
  const note = h('p', { class: 'status', id: 'accounts-status', role: 'status' });
  const body = h('tbody');
  const pager = h('div', { class: 'pager' });
  const table = h('div', { class: 'scroll' }, h('table', { id: 'account-list' },
    h('thead', {}, h('tr', {}, ['Account', 'Name', 'State', 'Last error', 'Connects', 'Errors', 'Last sync', ''].map((t) => h('th', {}, t)))),
    body));
  const folderBox = h('div', { id: 'folders' });
  const folders = folderSlot(folderBox);

  async function run(account, done, call, again = true) {
    try {
      await call();
      status(note, `${account}: ${done}`);
      if (again) refresh(account);
    } catch (err) {
      status(note, `${account}: ${err.message}`, false);
    }
  }
  const act = {
    folders: (id) => folders.show(id),
    reconnect: (id) => run(id, 'reconnected', () => api('PUT', path`/v1/account/${id}/reconnect`, { reconnect: true })),
    toggle: (id, disabled) => run(id, disabled ? 'enabled' : 'disabled', () => api('PUT', path`/v1/account/${id}`, { disabled: !disabled })),
    remove,
  };
  const list = accountList(body, pager, note, act);
  fill(root, h('h2', {}, 'Accounts'), signInBox(), accountForm(() => list.load()), note, table, pager, folderBox);
  const back = signInOutcome();
  if (back) status(note, back.text, back.ok);

  async function remove(account) {
    if (!(await confirmDialog(`Delete the account "${account}" and everything stored for it? Mail on the IMAP server is not touched.`, 'Delete'))) return;
    // nothing may ask for it while it goes: its panel closes first, its row stops refetching
    folders.changed(account, { event: 'accountDeleted' });
    list.drop(account);
    await run(account, 'deleted', () => api('DELETE', path`/v1/account/${account}`), false);
    list.load();
  }

  /** Fetch the page again after a change to one of its accounts, once per burst of changes.
   *  The list, not the account: it never answers 404 for one deleted meanwhile. */
  function refresh(account) {
    if (!list.has(account) || pending) return;
    pending = setTimeout(() => { pending = null; list.load(); }, REFRESH_DELAY);
  }

  stream.on('open', () => list.load());
  stream.on('state', (frame) => {
    list.state(frame);
    folders.state(frame);
    refresh(frame.account); // counters and sync time come with the account itself
  });
  stream.on('event', (e) => {
    folders.changed(e.account, e);
    if (e.event === 'accountAdded' || e.event === 'accountDeleted') return list.load();
    if (e.path === null) refresh(e.account);
  });
  list.load();
}
