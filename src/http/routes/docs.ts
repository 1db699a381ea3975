// The API document: /openapi.json, and /swagger.json where the original's clients look for it.
import Type from 'typebox';
import { defineRoute } from '../route.js';

const Document = Type.Record(Type.String(), Type.Unknown(), { description: 'OpenAPI 3.1 document' });

/** `document` builds (once) the document of the whole route table, these routes included. */
export function docRoutes(document: () => Record<string, unknown>) {
  const tags = ['System'];
  return ['/openapi.json', '/swagger.json'].map((path) => defineRoute({
    method: 'get', path, tags, scope: 'any', summary: 'This API as an OpenAPI 3.1 document',
    response: Document, errors: [],
    handle: async () => document(),
  }));
}
