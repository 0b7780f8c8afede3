/**
 * A mistake in how the CLI was called that commander cannot see (a missing file, conflicting
 * options): printed as one line with exit code 1, never with a stack.
 */
const MARKER = Symbol.for('mlflow-ts.cli.usage-error');

export class UsageError extends Error {
  readonly [MARKER] = true;

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }

  static isInstance(e: unknown): e is UsageError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[MARKER] === true;
  }
}
