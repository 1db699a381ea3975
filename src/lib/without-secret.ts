// Keeps a secret out of text that leaves the process (an error a server may have quoted it in).

/** `text` with every occurrence of `secret` blanked. */
export function withoutSecret(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text;
}
