/**
 * What every command-line entry shares around `node:util` `parseArgs`: a usage error is exit code 2 with the
 * usage on stderr (the shell convention), `--help` is the usage on stdout and exit code 0, anything else that
 * fails is exit code 1.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** parseArgs' own errors (unknown flag, missing value, stray positional) are usage errors too. */
export function isUsageError(err: unknown): boolean {
  if (err instanceof UsageError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** A flag's value as a number: `integer` counts must be whole; both must be above zero. Absent: the fallback. */
export function positiveNumber(flag: string, raw: string | undefined, fallback: number, { integer = true } = {}): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new UsageError(`--${flag} must be a ${integer ? 'whole ' : ''}number above 0, not '${raw}'`);
  return n;
}

/**
 * Runs `main` as the process's entry: its number is the exit code; a usage error prints `name: message` and the
 * usage to stderr and exits 2; any other error prints its stack and exits 1.
 */
export function runCli(name: string, usage: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (isUsageError(err)) process.stderr.write(`${name}: ${(err as Error).message}\n\n${usage}`);
      else process.stderr.write(`${name}: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(isUsageError(err) ? 2 : 1);
    },
  );
}
