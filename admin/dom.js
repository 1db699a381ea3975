// Building DOM nodes from data, never by parsing HTML strings, so text from the server (folder names,
// error messages, event payloads) can never turn into markup.

/** An element: `props` are attributes, `on*` listeners, or DOM properties for non-strings. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (typeof value === 'string' || value === true) el.setAttribute(key, value === true ? '' : value);
    else el[key] = value;
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replace everything inside `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A short local date and time; '' for nothing. */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** "3 d 4 h", "5 min 2 s" from seconds. */
export function duration(seconds) {
  const s = Math.floor(seconds);
  const parts = [[Math.floor(s / 86400), 'd'], [Math.floor(s / 3600) % 24, 'h'], [Math.floor(s / 60) % 60, 'min'], [s % 60, 's']];
  const first = parts.findIndex(([n]) => n > 0);
  return first < 0 ? '0 s' : parts.slice(first, first + 2).map(([n, u]) => `${n} ${u}`).join(' ');
}

/** Ask before something that cannot be undone; resolves true when confirmed. */
export function confirmDialog(text, okLabel = 'OK') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = okLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

/** A status line that says what happened last (ok or error). */
export function status(el, text, ok = true) {
  el.textContent = text;
  el.className = ok ? 'status ok' : 'status error';
}
