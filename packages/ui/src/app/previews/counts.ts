/** `1 row`, `50,000 rows`: a count and its noun, plural unless one. */
export function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
