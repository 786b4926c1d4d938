/** Offset <-> line/character conversion over UTF-16 offsets, as LSP counts them. */
export class LineIndex {
  private readonly starts: Uint32Array;
  /** Whether the text has a carriage return: only then can a line end at one. */
  private readonly carriageReturns: boolean;

  /** `knownStarts`: the line starts of a text without carriage returns, when already known. */
  constructor(readonly text: string, knownStarts?: Uint32Array) {
    this.carriageReturns = !knownStarts && text.indexOf('\r') !== -1;
    if (knownStarts) {
      this.starts = knownStarts;
      return;
    }
    const starts = [0];
    if (!this.carriageReturns) {
      // Without carriage returns, the native search for line feeds is many times faster than a loop.
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const ch = text.charCodeAt(i);
        if (ch === 10) starts.push(i + 1);
        else if (ch === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
      }
    }
    this.starts = Uint32Array.from(starts);
  }

  /**
   * The index of `text`, made from the index of the text before an edit that replaced
   * `from..oldTo` with `from..newTo`, where `from` starts a line: only the replaced text is read.
   */
  static afterEdit(previous: LineIndex, text: string, from: number, oldTo: number, newTo: number): LineIndex {
    const replaced = text.slice(from, newTo);
    if (previous.carriageReturns || replaced.indexOf('\r') !== -1) return new LineIndex(text);
    const kept = previous.lineOf(from) + 1;
    const movedFrom = previous.lineOf(oldTo) + 1;
    const added: number[] = [];
    for (let i = replaced.indexOf('\n'); i !== -1; i = replaced.indexOf('\n', i + 1)) added.push(from + i + 1);
    const old = previous.starts;
    const starts = new Uint32Array(kept + added.length + old.length - movedFrom);
    starts.set(old.subarray(0, kept));
    starts.set(added, kept);
    const delta = newTo - oldTo;
    for (let k = movedFrom, at = kept + added.length; k < old.length; k++, at++) starts[at] = old[k] + delta;
    return new LineIndex(text, starts);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineOf(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  position(offset: number): { line: number; character: number } {
    const line = this.lineOf(offset);
    return { line, character: offset - this.starts[line] };
  }

  lineStart(line: number): number {
    return this.starts[Math.min(line, this.starts.length - 1)];
  }

  /** The end of a line's content, before its line break. */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    let end = this.starts[line + 1] - 1;
    if (this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }
}
