/**
 * POSIX shell quoting, for two uses: arguments that ssh hands to the remote shell, and command
 * lines shown to the user. Nothing here runs a shell locally.
 */

/**
 * Characters that no POSIX shell treats specially anywhere in a word. `=` is left out because a
 * leading `NAME=value` word is an assignment, and `~` because of tilde expansion.
 */
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-]+$/;

/**
 * Quotes one argument so that a POSIX shell reads it back as exactly one word with the same bytes.
 * Safe words stay bare. Everything else goes in single quotes, where only `'` itself needs care:
 * it closes the quote, adds an escaped `\'` and opens a new quote.
 */
export function quotePosix(argument: string): string {
  if (SAFE_WORD.test(argument)) return argument;
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** Joins an argument vector into one line that a POSIX shell would split back into the same vector. */
export function quoteCommandLine(command: readonly string[]): string {
  return command.map(quotePosix).join(' ');
}
