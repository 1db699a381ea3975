// The world an OAuth2 login needs: a real authorization server, a Dovecot and an SMTP server
// that both check every XOAUTH2 login at it (RFC 7662 introspection), and our generic app for it.
import assert from 'node:assert/strict';
import { startDovecot, type Dovecot } from './dovecot.js';
import { startOAuthServer, type OAuthServer, type OAuthServerOptions } from './oauth-server.js';
import { startSmtp, type SmtpSink } from './smtp.js';
import { api } from './api.js';

export interface OAuthWorld {
  oauth: OAuthServer;
  dovecot: Dovecot;
  smtp: SmtpSink;
  close(): Promise<void>;
}

export async function startOAuthWorld(opts: OAuthServerOptions = {}): Promise<OAuthWorld> {
  const oauth = await startOAuthServer(opts);
  const dovecot = await startDovecot({ oauth2: { introspectionUrl: oauth.introspectionUrl } });
  const smtp = await startSmtp(undefined, { introspection: { url: oauth.introspectionUrl, clientId: oauth.introspector.id, clientSecret: oauth.introspector.secret } });
  return { oauth, dovecot, smtp, close: async () => { await Promise.all([smtp.close(), dovecot.close()]); await oauth.close(); } };
}

/** Register the provider of `world` as a generic app on the server at `base`; its id. */
export async function registerApp(base: string, world: OAuthWorld, extra: Record<string, unknown> = {}): Promise<string> {
  const { oauth } = world;
  const app = await api(base, 'POST', '/v1/oauth2', {
    name: 'Test provider', provider: 'generic', clientId: oauth.client.id, clientSecret: oauth.client.secret,
    authorizationUrl: oauth.authorizationUrl, tokenUrl: oauth.tokenUrl, redirectUrl: oauth.client.redirectUris[0], ...extra,
  });
  assert.equal(app.status, 200, JSON.stringify(app.body));
  return app.body.id as string;
}
