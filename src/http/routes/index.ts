// The single list of routes: the mounter, the validators and the OpenAPI builder read it.
import type { AnyRoute } from '../route.js';
import { accountRoutes } from './accounts.js';
import { eventRoutes } from './events.js';
import { mailboxRoutes } from './mailboxes.js';
import { messageRoutes } from './messages.js';
import { messageWriteRoutes } from './message-writes.js';
import { submitRoutes } from './submit.js';
import { settingsRoutes } from './settings.js';
import { systemRoutes } from './system.js';
import { webhookRoutes } from './webhooks.js';
import { docRoutes } from './docs.js';
import { verifyRoutes } from './verify.js';
import { tokenRoutes } from './tokens.js';
import { oauth2Routes } from './oauth2.js';
import { oauth2FlowRoutes } from './oauth2-flow.js';
import { buildOpenApi } from '../../openapi/build.js';
import { VERSION } from '../../version.js';

let document: Record<string, unknown> | undefined;

export const routes: readonly AnyRoute[] = [
  ...systemRoutes, ...accountRoutes, ...mailboxRoutes, ...messageRoutes, ...messageWriteRoutes, ...submitRoutes, ...eventRoutes, ...settingsRoutes, ...webhookRoutes, ...verifyRoutes, ...tokenRoutes, ...oauth2Routes, ...oauth2FlowRoutes,
  ...docRoutes(() => (document ??= buildOpenApi(routes, VERSION) as unknown as Record<string, unknown>)),
];
