/** Option helpers shared by the command groups. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ViewType } from '@mlflow-ts/format';

/** `--backend-store-uri`, honoured by every tracking command (falls back to MLFLOW_TRACKING_URI). */
export function withStoreOption(cmd: Command): Command {
  return cmd.option(
    '--backend-store-uri <uri>',
    'tracking store URI or path (default: $MLFLOW_TRACKING_URI, else ./mlruns)',
  );
}

/** `parent <name>` with `--backend-store-uri` and `--json`: the shape of every store command. */
export function storeCommand(parent: Command, name: string, description: string): Command {
  return withJsonOption(withStoreOption(parent.command(name).description(description)));
}

export function withJsonOption(cmd: Command): Command {
  return cmd.option('--json', "print MLflow's REST JSON response for the same call");
}

/** For repeatable options: `--order-by a --order-by b`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseInteger(name: string) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be an integer, got '${value}'.`);
    return Number(value);
  };
}

export function parseNumber(value: string): number {
  const v = value.trim();
  if (/^[+-]?(nan|inf|infinity)$/i.test(v)) {
    if (/nan/i.test(v)) return NaN;
    return v.startsWith('-') ? -Infinity : Infinity;
  }
  const n = Number(v);
  if (v === '' || Number.isNaN(n)) throw new InvalidArgumentError(`expected a number, got '${value}'.`);
  return n;
}

/** `-v/--view active_only|deleted_only|all`, case-insensitive like MLflow's. */
export function viewOption(): Option {
  return new Option('-v, --view <view>', 'which lifecycle stages to include: active_only, deleted_only or all')
    .default('ACTIVE_ONLY', 'active_only')
    .argParser((value: string): string => {
      const upper = value.toUpperCase();
      if (!ViewType.options.includes(upper as ViewType)) {
        throw new InvalidArgumentError(`must be one of active_only, deleted_only, all (got '${value}').`);
      }
      return upper;
    });
}

/** `key=value` pairs for repeatable tag options. */
export function collectKeyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const i = value.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError(`expected KEY=VALUE, got '${value}'.`);
  return { ...previous, [value.slice(0, i)]: value.slice(i + 1) };
}

/** `--filter`, `--order-by` (repeatable), `--max-results` and `--page-token` of a search command. */
export function withSearchOptions(
  cmd: Command,
  o: { filterExample: string; orderExample: string; maxResults: [max: number, byDefault: number]; what?: string },
): Command {
  const what = o.what ?? 'search';
  return cmd
    .option('--filter <filter>', `search filter, e.g. ${o.filterExample}`)
    .option('--order-by <clause>', `order clause, e.g. ${o.orderExample} (repeatable)`, collect)
    .option('--max-results <n>', `page size (1..${o.maxResults[0]})`, parseInteger('--max-results'), o.maxResults[1])
    .option('--page-token <token>', `continue a previous ${what}`);
}

/** What every store command parses: `--backend-store-uri` and `--json`. */
export interface StoreOpts {
  backendStoreUri?: string;
  json?: boolean;
}

/** What `withSearchOptions` parses. */
export interface SearchOpts {
  filter?: string;
  orderBy?: string[];
  maxResults: number;
  pageToken?: string;
}

/** The client's search arguments from `withSearchOptions`' values (`filter` overrides `--filter`). */
export function searchArgs(o: SearchOpts, filter = o.filter) {
  return {
    maxResults: o.maxResults,
    ...(filter ? { filterString: filter } : {}),
    ...(o.orderBy ? { orderBy: o.orderBy } : {}),
    ...(o.pageToken ? { pageToken: o.pageToken } : {}),
  };
}

/**
 * `parent delete` and `parent restore` of an entity with a lifecycle stage (experiments, runs): one
 * required id option, one client call each; `act` returns the line to print.
 */
export function addLifecycleCommands(
  parent: Command,
  o: {
    /** The id option's flags, help and parsed property name, e.g. `['--run-id <id>', 'run id', 'runId']`. */
    id: [flags: string, help: string, key: string];
    descriptions: { delete: string; restore: string };
    act: (verb: 'delete' | 'restore', storeUri: string | undefined, id: string) => Promise<string>;
  },
  print: (line: string) => void,
): void {
  const [flags, help, key] = o.id;
  for (const verb of ['delete', 'restore'] as const) {
    withStoreOption(parent.command(verb).description(o.descriptions[verb]))
      .requiredOption(flags, help)
      .action(async (opts: Record<string, string | undefined>) => {
        print(await o.act(verb, opts.backendStoreUri, opts[key]!));
      });
  }
}
