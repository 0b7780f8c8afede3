/**
 * Python's `repr(float)` (what MLflow writes into metric files: `15.0`, `1e-05`, `nan`, `inf`) and
 * the inverse. Python switches to exponent notation below 1e-4 and from 1e16; JS uses other bounds.
 */

export function formatPythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e16) {
    // Both languages print the shortest round-trip digits and JS uses no exponent in this range:
    // only Python's '.0' on integral values differs (the fast path for nearly every metric).
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let text: string;
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    text = `${intPart}.${frac || '0'}`;
  } else {
    text = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return negative ? `-${text}` : text;
}

/** Parses a metric value as Python's `float()` does for what MLflow writes (and ints from old files). */
export function parsePythonFloat(text: string): number {
  switch (text.toLowerCase()) {
    case 'nan':
    case '+nan':
    case '-nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default: {
      const v = Number(text);
      if (text.trim() === '' || Number.isNaN(v)) throw new Error(`not a float: '${text}'`);
      return v;
    }
  }
}
