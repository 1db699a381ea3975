// A bounded log of text lines: keeps the newest ones within a line count and a byte budget,
// dropping the oldest first, so memory stays flat however much is written. Storage grows
// with what is kept, not with the limit (a limit of a million lines costs nothing up front).

export class LineRing {
  #lines: string[] = [];
  /** index of the oldest kept line in #lines */
  #head = 0;
  #bytes = 0;
  readonly #maxLines: number;
  #maxBytes: number;

  constructor(maxLines: number, maxBytes: number) {
    this.#maxLines = Math.max(1, maxLines);
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#lines.length - this.#head;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get maxLines(): number {
    return this.#maxLines;
  }

  /** Lower or raise the byte budget (the owner shares one budget among its rings). */
  set maxBytes(bytes: number) {
    this.#maxBytes = bytes;
    this.#trim();
  }

  push(line: string): void {
    this.#lines.push(line);
    // string length, not UTF-8 bytes: a cheap bound that is exact for the ASCII of IMAP
    this.#bytes += line.length + 1;
    this.#trim();
  }

  /** The lines, oldest first, each ended by a newline. */
  text(): string {
    let out = '';
    for (let i = this.#head; i < this.#lines.length; i++) out += `${this.#lines[i]}\n`;
    return out;
  }

  /** A ring with another line limit holding the newest lines of this one. */
  resized(maxLines: number): LineRing {
    const next = new LineRing(maxLines, this.#maxBytes);
    for (let i = this.#head; i < this.#lines.length; i++) next.push(this.#lines[i]!);
    return next;
  }

  #trim(): void {
    while (this.size > 1 && (this.size > this.#maxLines || this.#bytes > this.#maxBytes)) {
      this.#bytes -= this.#lines[this.#head]!.length + 1;
      this.#head++;
    }
    // drop the dead front now and then, so the array does not keep every line ever written
    if (this.#head > 1024 && this.#head * 2 > this.#lines.length) {
      this.#lines = this.#lines.slice(this.#head);
      this.#head = 0;
    }
  }
}
