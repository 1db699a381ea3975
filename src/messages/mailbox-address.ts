// A practical check of an e-mail address as it goes into an SMTP envelope and a header:
// RFC 5321 §4.1.2 Mailbox with a dot-atom local part, RFC 6531 UTF-8 allowed.
import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';

// RFC 5322 atext, plus any non-ASCII character that is neither a control nor a space (RFC 6531);
// quoted local parts ("a b"@x) are refused: they are legal but a vector for header confusion
const ATOM = /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]|[^\p{C}\p{Z}\x00-\x7f])+$/u;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

// RFC 5321 §4.5.3.1.1 and §4.5.3.1.2
const MAX_LOCAL = 64;
const MAX_DOMAIN = 255;

function validLocal(local: string): boolean {
  if (local.length === 0 || Buffer.byteLength(local) > MAX_LOCAL) return false;
  return local.split('.').every((atom) => ATOM.test(atom));
}

function validLiteral(literal: string): boolean {
  const inner = literal.slice(1, -1);
  // RFC 5321 §4.1.3: IPv4 bare, IPv6 tagged; general address literals have no practical use
  if (/^ipv6:/i.test(inner)) return isIPv6(inner.slice(5));
  return isIPv4(inner);
}

function validDomain(domain: string): boolean {
  if (domain.startsWith('[') && domain.endsWith(']')) return validLiteral(domain);
  // IDNA: a non-ASCII domain is valid when it has an A-label form (the one SMTP carries)
  const ascii = /[^\x00-\x7f]/.test(domain) ? domainToASCII(domain) : domain;
  if (ascii.length === 0 || ascii.length > MAX_DOMAIN) return false;
  return ascii.split('.').every((label) => LABEL.test(label));
}

/** Whether `address` is a usable mailbox: local@domain, no spaces, controls, brackets or commas. */
export function isMailboxAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  return validLocal(address.slice(0, at)) && validDomain(address.slice(at + 1));
}
