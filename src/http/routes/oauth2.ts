// OAuth2 app routes (admin scope): register an app (provider presets fill the URLs and mail
// scopes), list, read, change and delete it. The client secret goes in and never comes out.
import { OAuth2AppDeleted, OAuth2AppInput, OAuth2AppList, OAuth2AppParams, OAuth2AppPatch, OAuth2AppView } from '../../schemas/oauth2.js';
import { defineRoute } from '../route.js';

const tags = ['OAuth2'];
const errors = ['ShardUnavailable', 'DeadlineExceeded'] as const;
/** Apps belong to no account: any shard serves them. Calls about one app go to the shard its
 *  id picks, so two updates of it never interleave. */
const LIST_KEY = 'oauth2-apps';

export const oauth2Routes = [
  defineRoute({
    method: 'post', path: '/v1/oauth2', scope: 'admin', tags, summary: 'Register an OAuth2 app (google, microsoft or generic); the answer has its id, never the client secret',
    body: OAuth2AppInput, response: OAuth2AppView, errors: [...errors],
    handle: ({ body }, { shards }) => shards.callOne(LIST_KEY, 'createOAuth2App', { input: body }),
  }),
  defineRoute({
    method: 'get', path: '/v1/oauth2', scope: 'admin', tags, summary: 'Every OAuth2 app with its effective URLs and scopes (clientSecretSet, never the secret)',
    response: OAuth2AppList, errors: [...errors],
    handle: (_input, { shards }) => shards.callOne(LIST_KEY, 'listOAuth2Apps', {}),
  }),
  defineRoute({
    method: 'get', path: '/v1/oauth2/{app}', scope: 'admin', tags, summary: 'One OAuth2 app',
    params: OAuth2AppParams, response: OAuth2AppView, errors: ['OAuth2AppNotFound', ...errors],
    handle: ({ params }, { shards }) => shards.callOne(params.app, 'getOAuth2App', { app: params.app }),
  }),
  defineRoute({
    method: 'put', path: '/v1/oauth2/{app}', scope: 'admin', tags, summary: 'Change some fields of an OAuth2 app; null puts an optional one back to the provider preset',
    params: OAuth2AppParams, body: OAuth2AppPatch, response: OAuth2AppView, errors: ['OAuth2AppNotFound', ...errors],
    handle: ({ params, body }, { shards }) => shards.callOne(params.app, 'updateOAuth2App', { app: params.app, patch: body }),
  }),
  defineRoute({
    method: 'delete', path: '/v1/oauth2/{app}', scope: 'admin', tags, summary: 'Delete an OAuth2 app; 409 while an account logs in with it',
    params: OAuth2AppParams, response: OAuth2AppDeleted, errors: ['OAuth2AppNotFound', 'Conflict', ...errors],
    handle: ({ params }, { shards }) => shards.callOne(params.app, 'deleteOAuth2App', { app: params.app }),
  }),
];
