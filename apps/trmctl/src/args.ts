import { UsageError } from './errors';

export interface ParsedArgs {
  /** Words that are not options, in order: the command and its subcommand. */
  positionals: string[];
  /** `--name value`, `--name=value`, or `true` for a flag. */
  options: Map<string, string | true>;
}

/**
 * Splits argv (without node and script) into positionals and `--options`. Options named in `flags` take no value;
 * every other option needs one. `--` ends the options; `-h` is `--help`.
 */
export function parseArgs(argv: readonly string[], flags: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  const set = (name: string, value: string | true) => {
    if (options.has(name)) throw new UsageError(`--${name} is given twice`);
    options.set(name, value);
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      set('help', true);
      continue;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) throw new UsageError(`unknown option ${arg}: options are spelled --name`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!name) throw new UsageError(`"${arg}" is not an option`);
    if (flags.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      set(name, true);
    } else if (eq >= 0) {
      set(name, arg.slice(eq + 1));
    } else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      set(name, value);
      i++;
    }
  }
  return { positionals, options };
}

/** Refuses options a command does not know, so a typo is not silently ignored. */
export function expectOptions(args: ParsedArgs, known: readonly string[]): void {
  const unknown = [...args.options.keys()].filter((name) => !known.includes(name));
  if (unknown.length) throw new UsageError(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `--${n}`).join(', ')}`);
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.options.get(name);
  if (value === true) throw new UsageError(`--${name} needs a value`);
  return value === '' ? undefined : value;
}

export function requiredOption(args: ParsedArgs, name: string, example: string): string {
  const value = stringOption(args, name);
  if (value === undefined) throw new UsageError(`--${name} is required, e.g. --${name} ${example}`);
  return value;
}

export const flag = (args: ParsedArgs, name: string): boolean => args.options.get(name) === true;
