// Server settings: ours (PUT, answers every key) and the original IMAP API's (POST, answers the
// keys it set; GET selects keys by query flags). Both writes go through the webhook worker's
// one validator, then the front and every shard take the new values at once.
import { EVENT_NAMES } from '../../events/types.js';
import { SettingsAnswer, SettingsPatch, SettingsQuery, SettingsUpdated, SettingsView } from '../../schemas/settings.js';
import { defineRoute, type RouteContext } from '../route.js';

const tags = ['Settings'];
const errors = ['WebhooksUnavailable', 'DeadlineExceeded'] as const;

async function write(ctx: RouteContext, patch: SettingsPatch): Promise<SettingsView> {
  const view = await ctx.webhooks.call('updateSettings', { patch });
  await ctx.settingsChanged(view, { resetLoggedAccounts: patch.logs?.resetLoggedAccounts === true });
  return view;
}

/** The keys a GET asked for (none = all); gmailClientSecret only ever as gmailClientSecretSet. */
function select(view: SettingsView, query: SettingsQuery): SettingsAnswer {
  const full: SettingsAnswer = { ...view, eventTypes: [...EVENT_NAMES] };
  const asked = Object.entries(query).filter(([, on]) => on === true).map(([k]) => (k === 'gmailClientSecret' ? 'gmailClientSecretSet' : k));
  if (!asked.length) return full;
  const out: Record<string, unknown> = {};
  for (const key of asked) if (key in full) out[key] = full[key as keyof SettingsAnswer];
  return out as SettingsAnswer;
}

export const settingsRoutes = [
  defineRoute({
    method: 'get', path: '/v1/settings', scope: 'admin', tags, summary: 'Settings; query flags (webhooks=true, …) pick keys, none = all. Secrets are never returned, only whether one is set',
    query: SettingsQuery, response: SettingsAnswer, errors: [...errors],
    handle: async ({ query }, { webhooks }) => select(await webhooks.call('getSettings', {}), query),
  }),
  defineRoute({
    method: 'put', path: '/v1/settings', scope: 'admin', tags, summary: 'Change some settings and get all back; switching webhooks on delivers events from that moment on',
    body: SettingsPatch, response: SettingsView, errors: [...errors],
    handle: ({ body }, ctx) => write(ctx, body),
  }),
  defineRoute({
    method: 'post', path: '/v1/settings', scope: 'admin', tags, summary: 'Change some settings (the original IMAP API\'s form): answers the keys set',
    body: SettingsPatch, response: SettingsUpdated, errors: [...errors],
    handle: async ({ body }, ctx) => {
      await write(ctx, body);
      return { updated: Object.keys(body) };
    },
  }),
];
