// A copy of a request value cut down to what its schema allows plus a little: TypeBox's Errors()
// walks every element through every union branch (a 50,000-element `or` took 5 s of the front
// thread), and a value past a bound is refused on its cut copy without walking the whole of it.
import type { TSchema } from 'typebox';

type Schema = Record<string, unknown>;
/** unknown fields kept beyond the declared ones: enough to name them (at most 20 are reported) */
const EXTRA_KEYS = 21;
/** elements kept of an array whose schema sets no maxItems */
const ITEMS = 1001;

export interface Bounded {
  value: unknown;
  /** something was cut that the schema forbids (more items or fields than allowed): invalid */
  over: boolean;
}

/** `value` with arrays cut to maxItems + 1 and objects to their fields plus a few unknown ones. */
export function bounded(schema: TSchema, value: unknown): Bounded {
  const state = { over: false };
  return { value: cut(schema as unknown as Schema, value, state), over: state.over };
}

function cut(schema: Schema | undefined, value: unknown, state: { over: boolean }): unknown {
  if (!schema || value === null || typeof value !== 'object') return value;
  const s = branchFor(schema, value);
  if (Array.isArray(value)) {
    const max = typeof s.maxItems === 'number' ? s.maxItems + 1 : ITEMS;
    const items = isSchema(s.items) ? s.items : undefined;
    if (value.length > max && typeof s.maxItems === 'number') state.over = true;
    const kept = value.length > max ? value.slice(0, max) : value;
    return items ? kept.map((v) => cut(items, v, state)) : kept;
  }
  const props = isSchema(s.properties) ? s.properties as Record<string, Schema> : {};
  const pattern = isSchema(s.patternProperties) ? Object.values(s.patternProperties as Record<string, Schema>)[0] : undefined;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  const max = Object.keys(props).length + (typeof s.maxProperties === 'number' ? s.maxProperties : 0) + EXTRA_KEYS;
  // declared fields first, so that cutting never makes a present required field look missing
  if (keys.length > max && (s.additionalProperties === false || typeof s.maxProperties === 'number')) state.over = true;
  const order = keys.length > max ? [...keys.filter((k) => k in props), ...keys.filter((k) => !(k in props))].slice(0, max) : keys;
  const out: Record<string, unknown> = {};
  for (const k of order) out[k] = cut(props[k] ?? pattern, obj[k], state);
  return out;
}

/** In a union, the first branch that takes this kind of value (array or object). */
function branchFor(schema: Schema, value: object): Schema {
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (!Array.isArray(branches)) return schema;
  const kind = Array.isArray(value) ? 'array' : 'object';
  return branches.find((b) => b.type === kind) ?? schema;
}

const isSchema = (v: unknown): v is Schema => !!v && typeof v === 'object';
