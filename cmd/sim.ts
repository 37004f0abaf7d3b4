import { runSimCommand } from '../pkg/sim/cli.js';

export const run = (argv: string[]): Promise<number> => runSimCommand(argv);
