/**
 * Prints a command's result on stdout: as pretty JSON with `--json`, else as the text `format` makes of it. The only
 * place commands write their results.
 */
export function writeResult<T>(result: T, json: boolean | undefined, format: (result: T) => string): void {
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${format(result)}\n`);
}
