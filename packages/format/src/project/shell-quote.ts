/** Python's `shlex.quote`, which MLflow applies to every value it puts into an entry point's command. */
const UNSAFE = /[^\w@%+=:,./-]/;

export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (!UNSAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}
