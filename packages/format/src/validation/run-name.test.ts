import { describe, expect, it } from 'vitest';
import {
  MAX_GENERATED_RUN_NAME_LENGTH,
  RUN_NAME_ADJECTIVES,
  RUN_NAME_NOUNS,
  generateRunName,
  resolveRunName,
} from './run-name.js';

describe('generateRunName', () => {
  it('has MLflow’s <adjective>-<noun>-<0..999> shape and fits 20 characters', () => {
    const names = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const name = generateRunName();
      expect(name).toMatch(/^[a-z]+-[a-z]+-(\d|[1-9]\d{1,2})$/);
      expect(name.length).toBeLessThanOrEqual(MAX_GENERATED_RUN_NAME_LENGTH);
      names.add(name);
    }
    expect(names.size).toBeGreaterThan(1900);
  });

  it('redraws names longer than 20 characters', () => {
    // First draw: "adventurous-squirrel-999" (24 chars); second draw: "bold-ox-7".
    const at = (list: readonly string[], word: string) => (list.indexOf(word) + 0.5) / list.length;
    const seq = [
      at(RUN_NAME_ADJECTIVES, 'adventurous'),
      at(RUN_NAME_NOUNS, 'squirrel'),
      0.9995,
      at(RUN_NAME_ADJECTIVES, 'bold'),
      at(RUN_NAME_NOUNS, 'ox'),
      0.0075,
    ];
    let i = 0;
    expect(generateRunName(() => seq[i++] ?? Number.NaN)).toBe('bold-ox-7');
    expect(i).toBe(6);
  });
});

describe('resolveRunName', () => {
  it('follows MLflow: agreeing names, either one alone, or a generated name', () => {
    expect(resolveRunName('a', 'a')).toBe('a');
    expect(resolveRunName('a', undefined)).toBe('a');
    expect(resolveRunName(undefined, 'b')).toBe('b');
    expect(resolveRunName('a', '')).toBe('a');
    expect(resolveRunName(undefined, undefined)).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
    expect(() => resolveRunName('a', 'b')).toThrow(/'run_name' argument and 'mlflow.runName' tag .*different values/);
  });
});
