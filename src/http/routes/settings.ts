// Server settings: webhook URL, event filter, on/off and signing secret (never returned).
import { SettingsPatch, SettingsView } from '../../schemas/settings.js';
import { defineRoute } from '../route.js';

const tags = ['Settings'];
const errors = ['WebhooksUnavailable', 'DeadlineExceeded'] as const;

export const settingsRoutes = [
  defineRoute({
    method: 'get', path: '/v1/settings', tags, summary: 'Webhook settings; the secret is never returned, only whether one is set',
    response: SettingsView, errors: [...errors],
    handle: (_input, { webhooks }) => webhooks.call('getSettings', {}),
  }),
  defineRoute({
    method: 'put', path: '/v1/settings', tags, summary: 'Change some settings; switching webhooks on delivers events from that moment on',
    body: SettingsPatch, response: SettingsView, errors: [...errors],
    handle: async ({ body }, { webhooks, shards }) => {
      const view = await webhooks.call('updateSettings', { patch: body });
      // the shards read some settings too (logs): they reload them now
      await shards.callAll('settingsChanged', {});
      return view;
    },
  }),
];
