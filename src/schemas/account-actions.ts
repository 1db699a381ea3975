// Bodies of the account action routes (the original IMAP API's RequestReconnect).
import Type from 'typebox';
import { closed } from './common.js';

export const ReconnectBody = Type.Object({
  reconnect: Type.Optional(Type.Boolean({ description: 'Only reconnect if true (the default)' })),
}, closed);
