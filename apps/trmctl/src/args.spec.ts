import { expectOptions, parseArgs, requiredOption } from './args';
import { UsageError } from './errors';

const flags = new Set(['force', 'help']);

describe('parseArgs', () => {
  it('separates the command words from --name value, --name=value and flags', () => {
    const args = parseArgs(['keys', 'generate', '--node', 'AT', '--keys-dir=var/k', '--force'], flags);
    expect(args.positionals).toEqual(['keys', 'generate']);
    expect(Object.fromEntries(args.options)).toEqual({ node: 'AT', 'keys-dir': 'var/k', force: true });
  });

  it('reads -h as --help and everything after -- as positionals', () => {
    const args = parseArgs(['demo', '-h', '--', '--node'], flags);
    expect(args.positionals).toEqual(['demo', '--node']);
    expect(args.options.get('help')).toBe(true);
  });

  it.each([
    [['--node'], '--node needs a value'],
    [['--node', '--force'], '--node needs a value'],
    [['--force=yes'], '--force takes no value'],
    [['--node', 'AT', '--node=RS'], '--node is given twice'],
    [['-n', 'AT'], 'unknown option -n'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv, flags)).toThrow(UsageError);
    expect(() => parseArgs(argv, flags)).toThrow(message);
  });
});

describe('expectOptions and requiredOption', () => {
  it('names unknown options so a typo is not ignored', () => {
    expect(() => expectOptions(parseArgs(['--nod', 'AT'], flags), ['node'])).toThrow('unknown option --nod');
  });

  it('asks for a missing option with an example', () => {
    expect(() => requiredOption(parseArgs([], flags), 'node', 'AT')).toThrow('--node is required, e.g. --node AT');
    expect(requiredOption(parseArgs(['--node=RS'], flags), 'node', 'AT')).toBe('RS');
  });
});
