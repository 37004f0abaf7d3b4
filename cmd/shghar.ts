/**
 * The `shghar` command line. Each command lives in its own module, loaded only when used, so `shghar get` does not
 * pay for the controller's dependencies. Exit codes: 0 success, 1 failure, 2 bad usage.
 */
type CommandModule = { run(argv: string[]): Promise<number> };

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  run: { summary: 'run the controller for the pools in -f FILE|DIR', load: () => import('./run.js') },
  demo: { summary: 'run the controller against the built-in GitHub simulator with a sample workload', load: () => import('./demo.js') },
  sim: { summary: 'run the GitHub simulator', load: () => import('./sim.js') },
  doctor: { summary: 'check Docker, the runner image, GitHub, the token and every pool', load: () => import('./doctor.js') },
  validate: { summary: 'validate spec files offline', load: () => import('./client/validate.js') },
  apply: { summary: 'apply pool specs to a running controller', load: () => import('./client/apply.js') },
  diff: { summary: 'show what applying spec files would change', load: () => import('./client/diff.js') },
  get: { summary: 'list pools or runners', load: () => import('./client/get.js') },
  describe: { summary: 'show a pool in detail: desired vs observed, conditions, events', load: () => import('./client/describe.js') },
  delete: { summary: 'delete a runner or a pool', load: () => import('./client/delete.js') },
  logs: { summary: "print a runner container's logs", load: () => import('./client/logs.js') },
  scale: { summary: "change a pool's min/max", load: () => import('./client/scale.js') },
};

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    'Usage: shghar <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `shghar <command> --help` for the options of a command.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`error: unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  return (await command.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
