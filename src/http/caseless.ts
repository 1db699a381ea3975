// Enums the original IMAP API matched in any case (`x-convert: lower` in its document, e.g.
// `reference.action: "REPLY"`): a schema marked `x-caseless` gets the value in its canonical
// spelling before validation, so the handlers only ever see the declared values.

type Node = Record<string, unknown>;

function enumValues(s: Node): string[] | null {
  if (Array.isArray(s.enum)) return s.enum.filter((v): v is string => typeof v === 'string');
  if (Array.isArray(s.anyOf)) {
    const consts = (s.anyOf as Node[]).map((a) => a.const);
    if (consts.every((c) => typeof c === 'string')) return consts as string[];
  }
  return null;
}

/** Whether anything in `schema` is marked caseless (only then is a request walked at all). */
export function hasCaseless(schema: unknown, depth = 0): boolean {
  if (!schema || typeof schema !== 'object' || depth > 12) return false;
  const s = schema as Node;
  if (s['x-caseless'] === true) return true;
  return Object.values(s).some((v) => (Array.isArray(v) ? v.some((x) => hasCaseless(x, depth + 1)) : hasCaseless(v, depth + 1)));
}

/** `value` with every string at a caseless node replaced by the declared spelling it matches. */
export function canonicalize(schema: unknown, value: unknown, depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > 12) return value;
  const s = schema as Node;
  if (s['x-caseless'] === true && typeof value === 'string') {
    const lower = value.toLowerCase();
    return enumValues(s)?.find((v) => v.toLowerCase() === lower) ?? value;
  }
  if (Array.isArray(value)) return s.items ? value.map((v) => canonicalize(s.items, v, depth + 1)) : value;
  if (value && typeof value === 'object') {
    const props = (s.properties ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [k, sub] of Object.entries(props)) if (k in out) out[k] = canonicalize(sub, out[k], depth + 1);
    // a union of object shapes (e.g. fields or raw): each may mark its own fields
    for (const alt of (Array.isArray(s.anyOf) ? s.anyOf : []) as unknown[]) {
      if ((alt as Node)?.properties) Object.assign(out, canonicalize(alt, out, depth + 1));
    }
    return out;
  }
  return value;
}
