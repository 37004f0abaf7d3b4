import { labelOverlapWarnings } from '../../controllers/matching.js';
import { loadSpecs } from '../../pkg/spec/load.js';
import { SpecError } from '../../pkg/spec/errors.js';
import { UsageError, out, parse, runCommand } from './common.js';
import { specErrorText } from './specs.js';

const USAGE = `
Usage: shghar validate -f FILE|DIR

Checks spec files offline (syntax, schema, cross-field rules, duplicate names, overlapping prefixes), and warns
when one pool's runners carry every label of another pool in the same scope.
Problems are printed as file:line:column: field: message; the exit code is 1 when there is any.

Options:
  -f, --filename PATH  a spec file, or a folder of *.yaml / *.yml
  -h, --help           show this help
`;

export const run = (argv: string[]): Promise<number> =>
  runCommand('validate', async () => {
    const p = parse(argv, { filename: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } }, USAGE);
    if (!p) return 0;
    const path = p.values.filename ?? p.positionals[0];
    if (!path) throw new UsageError('give the spec file or folder with -f');
    try {
      const { pools, controller } = loadSpecs(path);
      out(`${path}: valid (${pools.length} pool(s)${controller ? ', controller settings' : ''}: ${pools.map((x) => x.spec.name).join(', ')})`);
      for (const w of labelOverlapWarnings(pools.map((x) => x.spec))) process.stderr.write(`warning: ${w}\n`);
      return 0;
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      process.stderr.write(`${specErrorText(e)}\n`);
      process.stderr.write(`${e.issues.length} problem(s) in ${path}\n`);
      return 1;
    }
  });
