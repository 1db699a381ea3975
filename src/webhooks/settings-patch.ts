// Pure rules of a settings change: how a validated patch lands on the stored settings (secrets
// sealed, header names lower-cased, URLs checked) and what an answer may show (never a secret).
import { validationError, type FieldProblem } from '../errors.js';
import type { SettingsPatch, SettingsView } from '../schemas/settings.js';
import type { WebhookSettings } from '../store/settings.js';

type Seal = (plain: string) => string;

/** `current` with `patch` applied; throws a 400 naming each bad URL, changing nothing. */
export function applyPatch(current: WebhookSettings, patch: SettingsPatch, seal: Seal): WebhookSettings {
  const problems = (['webhooks', 'authServer', 'gmailRedirectUrl'] as const)
    .filter((k) => typeof patch[k] === 'string' && patch[k] !== '' && !isHttpUrl(patch[k]))
    .map((field): FieldProblem => ({ field, reason: 'must be an http or https URL' }));
  if (problems.length) throw validationError(problems, 'Invalid body');
  const next: WebhookSettings = { ...current, logs: { ...current.logs } };
  if (patch.webhooks !== undefined) next.webhooks = patch.webhooks || null;
  if (patch.webhookEvents !== undefined) next.webhookEvents = [...new Set(patch.webhookEvents)];
  if (patch.webhooksEnabled !== undefined) next.webhooksEnabled = patch.webhooksEnabled;
  if (patch.secret !== undefined) next.secret = patch.secret === null ? null : seal(patch.secret);
  // header names are case-insensitive (RFC 5322 §1.2.2); the parser gives them lower-cased
  if (patch.notifyHeaders !== undefined) next.notifyHeaders = [...new Set(patch.notifyHeaders.map((h) => h.toLowerCase()))];
  if (patch.notifyText !== undefined) next.notifyText = patch.notifyText;
  if (patch.notifyTextSize !== undefined) next.notifyTextSize = patch.notifyTextSize;
  if (patch.authServer !== undefined) next.authServer = patch.authServer || null;
  if (patch.gmailClientId !== undefined) next.gmailClientId = patch.gmailClientId;
  if (patch.gmailClientSecret !== undefined) next.gmailClientSecret = patch.gmailClientSecret === null ? null : seal(patch.gmailClientSecret);
  if (patch.gmailRedirectUrl !== undefined) next.gmailRedirectUrl = patch.gmailRedirectUrl || null;
  const logs = patch.logs;
  if (logs?.all !== undefined) next.logs.all = logs.all;
  if (logs?.accounts !== undefined) next.logs.accounts = [...new Set(logs.accounts)];
  if (logs?.maxLogLines !== undefined) next.logs.maxLogLines = logs.maxLogLines;
  return next;
}

/** Every key as the API shows it: unset strings are absent, secrets only say whether they are set. */
export function viewOf(s: WebhookSettings): SettingsView {
  const view: SettingsView = {
    webhookEvents: s.webhookEvents, webhooksEnabled: s.webhooksEnabled, secretSet: s.secret !== null,
    notifyHeaders: s.notifyHeaders, notifyText: s.notifyText, notifyTextSize: s.notifyTextSize,
    gmailClientSecretSet: s.gmailClientSecret !== null,
    // resetLoggedAccounts is an action, never a stored state
    logs: { ...s.logs, resetLoggedAccounts: false },
  };
  if (s.webhooks !== null) view.webhooks = withoutPassword(s.webhooks);
  if (s.authServer !== null) view.authServer = withoutPassword(s.authServer);
  if (s.gmailClientId !== null) view.gmailClientId = s.gmailClientId;
  if (s.gmailRedirectUrl !== null) view.gmailRedirectUrl = s.gmailRedirectUrl;
  return view;
}

/** A URL as shown: a password in it (https://user:pass@host/) is masked. */
function withoutPassword(raw: string): string {
  let url: URL;
  try { url = new URL(raw); } catch { return raw; }
  if (!url.password) return raw;
  url.password = '***';
  return url.toString();
}

/** The schema checks the shape; this checks that it parses as an http(s) URL with a host. */
function isHttpUrl(raw: string): boolean {
  let url: URL | null = null;
  try { url = new URL(raw); } catch { return false; }
  return (url.protocol === 'http:' || url.protocol === 'https:') && !!url.hostname;
}
