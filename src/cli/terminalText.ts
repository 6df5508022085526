/**
 * Escaping of text from /proc files and logs before the CLI prints it to a terminal. Paths may hold
 * any byte but NUL and "/", so a file name could otherwise move the cursor, retitle the terminal
 * or start a line that looks like output of its own.
 */

// C0 controls (newline and tab included), DEL and the C1 controls U+0080 to U+009F.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\u001b': '\\x1b' };

function escapeCharacter(character: string): string {
  return NAMED[character] ?? `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/**
 * Returns `text` with every control character written as an escape: `\n`, `\t`, `\r`, `\x1b`,
 * or `\xHH` for the others (`\x85` is the C1 character U+0085). A backslash is left as it is.
 */
export function escapeControls(text: string): string {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text) ? text.replace(CONTROL, escapeCharacter) : text;
}

/**
 * Escapes each line of a rendered text apart, so its own line breaks stay. Data fields must be
 * escaped with escapeControls before they are put in the text, or a newline inside one would
 * survive as a line break here.
 */
export function escapeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => escapeControls(line))
    .join('\n');
}

/**
 * Wraps one paragraph at `width` columns, with `indent` before its first line and `hangingIndent`
 * before the lines that continue it. Returns no lines for a paragraph without words.
 */
export function wrapWords(paragraph: string, width: number, indent: string, hangingIndent = indent): string[] {
  const lines: string[] = [];
  let prefix = indent;
  let current = '';
  for (const word of paragraph.split(/\s+/).filter(Boolean)) {
    if (current && prefix.length + current.length + 1 + word.length > width) {
      lines.push(prefix + current);
      prefix = hangingIndent;
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) lines.push(prefix + current);
  return lines;
}
