// Provider presets of OAuth2 apps: effective URLs and scopes, the rules of a generic app, and
// the client the token manager gets (scopes sent on refresh for microsoft only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appProblems, authorizeParams, authorizeScopes, effectiveApp, oauthClient, type AppFields } from '../src/oauth/presets.js';

const base = { name: 'x', clientId: 'cid', redirectUrl: 'https://x.example/oauth/callback' };

test('given URLs and scopes win over the preset; tokenAuth defaults to client_secret_post', () => {
  const f: AppFields = { ...base, provider: 'google', tokenUrl: 'https://t.example/token', scopes: ['a'] };
  assert.deepEqual(effectiveApp(f), {
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth', tokenUrl: 'https://t.example/token', scopes: ['a'], tokenAuth: 'client_secret_post',
    userinfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo', revocationUrl: 'https://oauth2.googleapis.com/revoke', imap: { host: 'imap.gmail.com', port: 993, secure: true }, smtp: { host: 'smtp.gmail.com', port: 465, secure: true },
  });
});

test('mail servers: microsoft\'s SMTP is STARTTLS on 587; a generic app has only what it names', () => {
  const ms = effectiveApp({ ...base, provider: 'microsoft' });
  assert.deepEqual(ms.imap, { host: 'outlook.office365.com', port: 993, secure: true });
  assert.deepEqual(ms.smtp, { host: 'smtp.office365.com', port: 587, secure: false });
  const generic = effectiveApp({ ...base, provider: 'generic', authorizationUrl: 'https://a.example/auth', tokenUrl: 'https://a.example/token', imap: { host: 'mail.example', port: 993 } });
  assert.deepEqual(generic.imap, { host: 'mail.example', port: 993 });
  assert.equal(generic.smtp, undefined);
  assert.equal(generic.userinfoUrl, undefined);
});

test('an authorization request asks for the app\'s scopes plus openid and email, once; google adds offline consent', () => {
  assert.deepEqual(authorizeScopes({ ...base, provider: 'google' }), ['https://mail.google.com/', 'openid', 'email']);
  assert.deepEqual(authorizeScopes({ ...base, provider: 'generic', scopes: ['email', 'mail'] }), ['email', 'mail', 'openid']);
  assert.deepEqual(authorizeParams({ ...base, provider: 'google' }), { access_type: 'offline', prompt: 'consent' });
  assert.deepEqual(authorizeParams({ ...base, provider: 'generic' }), {});
});

test('generic needs both URLs; tenant only for microsoft', () => {
  assert.deepEqual(appProblems({ ...base, provider: 'generic' }).map((p) => p.field), ['authorizationUrl', 'tokenUrl']);
  assert.deepEqual(appProblems({ ...base, provider: 'google', tenant: 't' }).map((p) => p.field), ['tenant']);
  assert.deepEqual(appProblems({ ...base, provider: 'microsoft', tenant: 't' }), []);
});

test('the token client: microsoft sends its scopes on refresh, google does not', () => {
  const ms = oauthClient({ ...base, provider: 'microsoft', tenant: 'contoso' }, 's');
  assert.equal(ms.tokenUrl, 'https://login.microsoftonline.com/contoso/oauth2/v2.0/token');
  assert.equal(ms.scope, 'offline_access https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send');
  const g = oauthClient({ ...base, provider: 'google', tokenAuth: 'client_secret_basic' }, 's');
  assert.deepEqual(g, { tokenUrl: 'https://oauth2.googleapis.com/token', clientId: 'cid', clientSecret: 's', tokenAuth: 'client_secret_basic' });
});
