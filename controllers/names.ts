/**
 * A fresh runner name: prefix + random suffix (letters and digits only, so pools with nested prefixes never claim
 * each other's runners). Never one already taken by a registration or a container: GitHub keeps an ephemeral
 * runner's name listed for a while after it exits, and reusing it makes the new runner fail to register.
 */
export const generateRunnerName = (
  prefix: string,
  taken: ReadonlySet<string>,
  random: () => string,
  maxAttempts = 20,
): string => {
  const lowerTaken = new Set([...taken].map((n) => n.toLowerCase()));
  let suffix = '';
  for (let i = 0; i < maxAttempts; i++) {
    suffix = random().toLowerCase().replace(/[^a-z0-9]/g, '') || 'x';
    const name = `${prefix}${suffix}`;
    if (!lowerTaken.has(name.toLowerCase())) return name;
  }
  // A broken or exhausted random source: extend deterministically until free rather than loop forever.
  for (let n = 0; ; n++) {
    const name = `${prefix}${suffix}${n.toString(36)}`;
    if (!lowerTaken.has(name.toLowerCase())) return name;
  }
};
