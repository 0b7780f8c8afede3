/** Where a project run's output goes: the entry point's streams and the runner's own `=== … ===` lines. */
export interface ProjectOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  /** A progress line from the runner (written to stderr by default, like MLflow's log lines). */
  info(line: string): void;
  /** The entry point writes to this process's own stdout/stderr (a terminal stays a terminal). */
  inherit?: boolean;
}

export function processOutput(): ProjectOutput {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    info: (line) => void process.stderr.write(`${line}\n`),
    inherit: true,
  };
}
