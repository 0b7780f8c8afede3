import { createRequire } from 'node:module';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { MlflowError } from '@mlflow-ts/format';
import { runCli } from '../test/cli-harness.js';
import { commandGroups } from './main.js';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

describe('mlflow-ts program', () => {
  it('--version prints the package version and exits 0', async () => {
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('--help lists the command groups', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const group of ['experiments', 'runs', 'artifacts', 'metrics', 'models']) expect(r.stdout).toContain(group);
    const sub = await runCli(['runs', '--help']);
    expect(sub.stdout).toContain('log-metric');
  });

  it("unknown commands and options exit 1 with commander's message on stderr", async () => {
    const unknown = await runCli(['nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'nope'");
    const badOpt = await runCli(['runs', 'describe', '--run-id', 'x', '--bogus']);
    expect(badOpt.code).toBe(1);
    expect(badOpt.stderr).toContain("unknown option '--bogus'");
  });

  it('prints a stack and exits 2 for bugs, one line and 1 for MlflowError', async () => {
    const buggy = () =>
      new Command('boom').action(() => {
        throw new TypeError('undefined is not a function');
      });
    const bug = await runCli(['boom'], { groups: [buggy] });
    expect(bug.code).toBe(2);
    expect(bug.stderr).toContain('internal error');
    expect(bug.stderr).toMatch(/TypeError: undefined is not a function\n\s+at /);

    const user = () =>
      new Command('oops').action(() => {
        throw new MlflowError('INVALID_STATE', 'bad\nstate');
      });
    expect(await runCli(['oops'], { groups: [user] })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error (INVALID_STATE): bad state\n',
    });
  });

  it('leaves --version after a command to that command', async () => {
    let seen = '';
    const versions = () => {
      const group = new Command('versions');
      group
        .command('get')
        .requiredOption('--version <v>')
        .action((o: { version: string }) => {
          seen = o.version;
        });
      return group;
    };
    expect(await runCli(['versions', 'get', '--version', '3'], { groups: [versions] })).toMatchObject({
      code: 0,
      stdout: '',
    });
    expect(seen).toBe('3');
    expect((await runCli(['--version'], { groups: [versions] })).stdout).toBe(`${pkg.version}\n`);
  });

  it('has one models group, with one description, holding every models subcommand', async () => {
    const r = await runCli(['models', '--help'], { groups: commandGroups });
    for (const sub of [
      'inspect',
      'validate-input',
      'serve',
      'predict',
      'save',
      'log',
      'generate-dockerfile',
      'convert',
      'register',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${sub} `, 'm'));
    }
    const top = await runCli(['--help'], { groups: commandGroups });
    expect(top.stdout.match(/^ {2}models /gm)).toHaveLength(1);
  });
});
