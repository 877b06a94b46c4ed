/**
 * The printer end of an ESC/POS conversation, for tests of real pipes (TCP socket, serial pty):
 * feed it the bytes that arrived, send back what it returns. It answers DLE EOT n status queries
 * from its flags and keeps every other byte, as a printer would put it on paper.
 */
export interface PeerFlags {
  paperOut: boolean;
  coverOpen: boolean;
  /** Answer no status queries (a printer that is on but not talking). */
  mute: boolean;
}

export class EscPosPeer {
  readonly flags: PeerFlags = { paperOut: false, coverOpen: false, mute: false };
  private readonly printed: number[] = [];
  private pending: number[] = [];
  /** Status queries answered so far. */
  queries = 0;

  get bytes(): Uint8Array {
    return Uint8Array.from(this.printed);
  }

  /** Takes bytes from the host; returns the bytes to send back. */
  feed(chunk: Uint8Array): Uint8Array {
    const answers: number[] = [];
    const p = [...this.pending, ...chunk];
    let i = 0;
    while (i < p.length) {
      if (
        p[i] === 0x10 &&
        (p[i + 1] === undefined || (p[i + 1] === 0x04 && p[i + 2] === undefined))
      )
        break; // the rest of a DLE command is still on its way
      if (p[i] === 0x10 && p[i + 1] === 0x04) {
        this.queries++;
        if (!this.flags.mute) answers.push(this.status(p[i + 2]!));
        i += 3;
        continue;
      }
      if (!this.flags.paperOut && !this.flags.coverOpen) this.printed.push(p[i]!);
      i++;
    }
    this.pending = p.slice(i);
    return Uint8Array.from(answers);
  }

  private status(n: number): number {
    const { paperOut, coverOpen } = this.flags;
    if (n === 1) return 0x12 | (paperOut || coverOpen ? 0x08 : 0);
    if (n === 2) return 0x12 | (coverOpen ? 0x04 : 0) | (paperOut ? 0x20 : 0);
    if (n === 4) return 0x12 | (paperOut ? 0x60 : 0);
    return 0x12;
  }
}
