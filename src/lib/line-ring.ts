// A bounded log of text lines: keeps the newest ones within a line count and a byte budget,
// dropping the oldest first, so memory stays flat however much is written.

export class LineRing {
  #buf: (string | undefined)[];
  #start = 0;
  #count = 0;
  #bytes = 0;
  readonly #maxBytes: number;

  constructor(maxLines: number, maxBytes: number) {
    this.#buf = new Array<string | undefined>(Math.max(1, maxLines));
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#count;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get maxLines(): number {
    return this.#buf.length;
  }

  push(line: string): void {
    if (this.#count === this.#buf.length) this.#dropOldest();
    this.#buf[(this.#start + this.#count) % this.#buf.length] = line;
    this.#count++;
    // string length, not UTF-8 bytes: a cheap bound that is exact for the ASCII of IMAP
    this.#bytes += line.length + 1;
    while (this.#bytes > this.#maxBytes && this.#count > 1) this.#dropOldest();
  }

  /** The lines, oldest first, each ended by a newline. */
  text(): string {
    let out = '';
    for (let i = 0; i < this.#count; i++) out += `${this.#buf[(this.#start + i) % this.#buf.length]}\n`;
    return out;
  }

  /** A ring with another line limit holding the newest lines of this one. */
  resized(maxLines: number): LineRing {
    const next = new LineRing(maxLines, this.#maxBytes);
    for (let i = 0; i < this.#count; i++) next.push(this.#buf[(this.#start + i) % this.#buf.length]!);
    return next;
  }

  #dropOldest(): void {
    const line = this.#buf[this.#start];
    this.#buf[this.#start] = undefined;
    this.#start = (this.#start + 1) % this.#buf.length;
    this.#count--;
    this.#bytes -= (line?.length ?? 0) + 1;
  }
}
