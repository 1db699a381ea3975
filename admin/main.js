// The admin page: tabs (from the URL hash), the server's version and uptime, and one change
// stream that the Accounts and Events tabs follow.
import { api, ensureToken, onToken } from './api.js';
import { duration } from './dom.js';
import { ChangeStream } from './stream.js';
import { accountsTab } from './accounts.js';
import { settingsTab } from './settings.js';
import { eventsTab } from './events.js';

const TABS = ['accounts', 'settings', 'events'];

function showTab() {
  const name = TABS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'accounts';
  for (const tab of TABS) document.getElementById(tab).hidden = tab !== name;
  for (const link of document.querySelectorAll('#tabs a')) link.setAttribute('aria-selected', String(link.dataset.tab === name));
}

function streamStatus(el) {
  return (s) => {
    el.className = `badge stream-${s.state}`;
    el.textContent = s.state === 'live' ? 'live' : s.state === 'reconnecting' ? `reconnecting in ${Math.round(s.wait / 1000)} s` : 'connecting…';
    el.title = s.state === 'live' && s.resumedFrom ? `Following the change stream from event ${s.resumedFrom}` : 'The change stream this page follows';
  };
}

/** Version and uptime from /v1/stats and /health, asked again each time the stream (re)connects, so a
 *  restarted or upgraded server shows as such; between those the uptime is counted on locally. */
let ticking = null;
async function serverInfo() {
  try {
    const [stats, health] = await Promise.all([api('GET', '/v1/stats'), api('GET', '/health')]);
    document.getElementById('server-version').textContent = `v${stats.version}`;
    const since = Date.now() - health.uptime * 1000;
    const uptime = document.getElementById('server-uptime');
    const tick = () => { uptime.textContent = `up ${duration((Date.now() - since) / 1000)}`; };
    tick();
    clearInterval(ticking);
    ticking = setInterval(tick, 1000);
  } catch (err) {
    document.getElementById('server-version').textContent = `server: ${err.message}`;
  }
}

// the docs page takes the token in its URL (it cannot read this tab's session storage)
onToken((value) => {
  document.querySelector('header a[href^="/docs"]').href = value ? `/docs?access_token=${encodeURIComponent(value)}` : '/docs';
});
await ensureToken();
const stream = new ChangeStream();
stream.on('status', streamStatus(document.getElementById('stream-status')));
window.addEventListener('hashchange', showTab);
showTab();
accountsTab(document.getElementById('accounts'), stream);
settingsTab(document.getElementById('settings'));
eventsTab(document.getElementById('events'), stream);
serverInfo();
let opened = false;
stream.on('open', () => {
  if (opened) serverInfo(); // a reconnect may be to a restarted (or upgraded) server
  opened = true;
});
stream.start();
