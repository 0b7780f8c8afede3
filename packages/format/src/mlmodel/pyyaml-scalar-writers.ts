/**
 * PyYAML's `write_plain`, `write_single_quoted` and `write_double_quoted`, line folding included: a
 * single space becomes a line break once the column has passed `best_width` (80), which is why
 * MLflow's signature strings run past column 80 before wrapping. Works on code points, as Python does.
 */

/** The emitter state the writers read and advance. */
export interface ScalarWriter {
  column: number;
  whitespace: boolean;
  indention: boolean;
  readonly bestWidth: number;
  readonly allowUnicode: boolean;
  write(data: string, length: number): void;
  writeIndicator(indicator: string, needWhitespace: boolean, whitespace?: boolean, indention?: boolean): void;
  writeIndent(): void;
  writeLineBreak(data?: string): void;
}

const BREAKS = '\n\x85\u2028\u2029';

function emitSlice(w: ScalarWriter, chars: string[], start: number, end: number): void {
  w.write(chars.slice(start, end).join(''), end - start);
}

function emitBreaks(w: ScalarWriter, chars: string[], start: number, end: number): void {
  if (chars[start] === '\n') w.writeLineBreak();
  for (const br of chars.slice(start, end)) w.writeLineBreak(br === '\n' ? undefined : br);
  w.writeIndent();
}

/** Where a scalar writer is in its text: the current run starts at `start`; it is spaces or breaks. */
interface RunState {
  start: number;
  spaces: boolean;
  breaks: boolean;
}

/**
 * The loop PyYAML's plain and single-quoted writers share: `step` sees each position (and one past
 * the end, `ch` undefined) and the state of the run before it, then the run kind advances.
 */
function scanRuns(chars: string[], step: (run: RunState, ch: string | undefined, end: number) => void): void {
  const run: RunState = { start: 0, spaces: false, breaks: false };
  for (let end = 0; end <= chars.length; end++) {
    const ch = end < chars.length ? chars[end] : undefined;
    step(run, ch, end);
    if (ch !== undefined) {
      run.spaces = ch === ' ';
      run.breaks = BREAKS.includes(ch);
    }
  }
}

/** Ends a run of line breaks at `end` (writing them) once `ch` is no break. */
function endBreaks(w: ScalarWriter, chars: string[], run: RunState, ch: string | undefined, end: number): boolean {
  if (ch !== undefined && BREAKS.includes(ch)) return false;
  emitBreaks(w, chars, run.start, end);
  run.start = end;
  return true;
}

export function writePlain(w: ScalarWriter, text: string, split: boolean): void {
  if (!text) return;
  if (!w.whitespace) w.write(' ', 1);
  w.whitespace = false;
  w.indention = false;
  const chars = Array.from(text);
  scanRuns(chars, (run, ch, end) => {
    if (run.spaces) {
      if (ch === ' ') return;
      if (run.start + 1 === end && w.column > w.bestWidth && split) {
        w.writeIndent();
        w.whitespace = false;
        w.indention = false;
      } else {
        emitSlice(w, chars, run.start, end);
      }
      run.start = end;
    } else if (run.breaks) {
      if (endBreaks(w, chars, run, ch, end)) {
        w.whitespace = false;
        w.indention = false;
      }
    } else if (ch === undefined || ' \n\x85\u2028\u2029'.includes(ch)) {
      emitSlice(w, chars, run.start, end);
      run.start = end;
    }
  });
}

export function writeSingleQuoted(w: ScalarWriter, text: string, split: boolean): void {
  w.writeIndicator("'", true);
  const chars = Array.from(text);
  scanRuns(chars, (run, ch, end) => {
    if (run.spaces) {
      if (ch === ' ') return;
      const { start } = run;
      if (start + 1 === end && w.column > w.bestWidth && split && start !== 0 && end !== chars.length) {
        w.writeIndent();
      } else {
        emitSlice(w, chars, start, end);
      }
      run.start = end;
    } else if (run.breaks) {
      endBreaks(w, chars, run, ch, end);
    } else if ((ch === undefined || ' \n\x85\u2028\u2029'.includes(ch) || ch === "'") && run.start < end) {
      emitSlice(w, chars, run.start, end);
      run.start = end;
    }
    if (ch === "'") {
      w.write("''", 2);
      run.start = end + 1;
    }
  });
  w.writeIndicator("'", false);
}

const ESCAPE_REPLACEMENTS: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0A': 'n',
  '\x0B': 'v',
  '\x0C': 'f',
  '\x0D': 'r',
  '\x1B': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xA0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

function needsEscape(ch: string, allowUnicode: boolean): boolean {
  if ('"\\\x85\u2028\u2029\uFEFF'.includes(ch)) return true;
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x20 && cp <= 0x7e) return false;
  return !(allowUnicode && ((cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd)));
}

function escapeChar(ch: string): string {
  const named = ESCAPE_REPLACEMENTS[ch];
  if (named !== undefined) return `\\${named}`;
  const cp = ch.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

export function writeDoubleQuoted(w: ScalarWriter, text: string, split: boolean): void {
  w.writeIndicator('"', true);
  const chars = Array.from(text);
  let start = 0;
  for (let end = 0; end <= chars.length; end++) {
    const ch = end < chars.length ? chars[end] : undefined;
    if (ch === undefined || needsEscape(ch, w.allowUnicode)) {
      if (start < end) {
        emitSlice(w, chars, start, end);
        start = end;
      }
      if (ch !== undefined) {
        const data = escapeChar(ch);
        w.write(data, data.length);
        start = end + 1;
      }
    }
    if (
      0 < end &&
      end < chars.length - 1 &&
      (ch === ' ' || start >= end) &&
      w.column + (end - start) > w.bestWidth &&
      split
    ) {
      const data = `${chars.slice(start, end).join('')}\\`;
      if (start < end) start = end;
      w.write(data, Array.from(data).length);
      w.writeIndent();
      w.whitespace = false;
      w.indention = false;
      if (chars[start] === ' ') w.write('\\', 1);
    }
  }
  w.writeIndicator('"', false);
}
