/** A problem the operator can fix; main prints the message alone, without a stack trace, and exits 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** A mistake in how trmctl was called; main also prints the usage. */
export class UsageError extends CliError {
  override name = 'UsageError';
}
