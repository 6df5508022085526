/** Turns the errors of node:util parseArgs into messages in the CLI's own words. */

/** Reports whether `error` is one of parseArgs's errors (codes ERR_PARSE_ARGS_*). */
export function isParseArgsError(error: unknown): error is TypeError & { code: string } {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}

/**
 * Rewrites a parseArgs error, e.g. "Option '--pid <value>' argument missing" or the
 * three-line "argument is ambiguous" text of `--pid -5`, as one line that names the option.
 */
export function describeParseArgsError(error: TypeError & { code: string }): string {
  const option = /'(-{1,2}[^'\s<]+)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    if (/ambiguous/.test(error.message)) return `${option} needs a value; to give a value that starts with "-", write ${option}=VALUE`;
    if (/argument missing/.test(error.message)) return `${option} needs a value`;
    return `${option} does not take a value`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) return `unknown option ${option}`;
  return error.message.split('\n')[0];
}
