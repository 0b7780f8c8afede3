import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test/cli-harness.js';
import { createCliContext, type CommandGroup } from './cli-context.js';
import { buildProgram, commandGroups, lazyCommandGroup, loadCommandGroups } from './main.js';

function trackedGroups() {
  const loads: string[] = [];
  const ran: string[] = [];
  const group = (name: string, sub: string): CommandGroup =>
    lazyCommandGroup(name, async () => {
      loads.push(`${name}/${sub}`);
      return () => {
        const cmd = new Command(name).description(`the ${name} group`);
        cmd.command(sub).action(() => void ran.push(`${name} ${sub}`));
        return cmd;
      };
    });
  return { loads, ran, groups: [group('alpha', 'one'), group('beta', 'two'), group('delta', 'three')] };
}

describe('lazy command groups', () => {
  it('import only the group of the command being run', async () => {
    const t = trackedGroups();
    expect(await runCli(['delta', 'three'], { groups: t.groups })).toMatchObject({ code: 0 });
    expect(t.loads).toEqual(['delta/three']);
    expect(t.ran).toEqual(['delta three']);
  });

  it('import none for --version and all for help or an unknown command', async () => {
    const t = trackedGroups();
    expect((await runCli(['--version'], { groups: t.groups })).code).toBe(0);
    expect(t.loads).toEqual([]);
    const unknown = await runCli(['gamma'], { groups: t.groups });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'gamma'");
    expect(t.loads).toHaveLength(3);
    const help = await runCli(['--help'], { groups: trackedGroups().groups });
    expect(help.stdout).toContain('the alpha group');
    expect(help.stdout).toContain('the beta group');
  });

  it('buildProgram leaves out groups not loaded yet', async () => {
    const t = trackedGroups();
    const ctx = createCliContext({ stdout: () => undefined, stderr: () => undefined, stderrIsTTY: false, env: {} });
    expect(buildProgram(ctx, t.groups).commands.map((c) => c.name())).toEqual([]);
    await loadCommandGroups(t.groups, ['beta', 'two']);
    expect(buildProgram(ctx, t.groups).commands.map((c) => c.name())).toEqual(['beta']);
    await ctx.close();
  });

  it('every built-in group builds the command it is registered under', async () => {
    await loadCommandGroups(commandGroups);
    const ctx = createCliContext({ stdout: () => undefined, stderr: () => undefined, stderrIsTTY: false, env: {} });
    const names = buildProgram(ctx, commandGroups).commands.map((c) => c.name());
    expect(names).toEqual([
      'server',
      'ui',
      'experiments',
      'runs',
      'artifacts',
      'metrics',
      'models',
      'registered-models',
      'model-versions',
      'run',
      'gc',
      'db',
      'sync',
    ]);
    for (const group of commandGroups) {
      const declared = (group as unknown as Record<symbol, { command: string }>)[
        Symbol.for('mlflow-ts.lazyCommandGroup')
      ]!.command;
      expect(group(ctx).name()).toBe(declared);
    }
    await ctx.close();
  });
});
