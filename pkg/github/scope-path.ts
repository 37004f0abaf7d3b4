import type { Scope } from '../spec/types.js';

/** The route prefix and its parameters for a scope's runner endpoints. */
export function scopePath(scope: Scope): { prefix: string; params: Record<string, string> } {
  return scope.kind === 'repo'
    ? { prefix: '/repos/{owner}/{repo}', params: { owner: scope.owner, repo: scope.repo } }
    : { prefix: '/orgs/{org}', params: { org: scope.org } };
}

/** Repository-scoped runners can only join the default group (1); org scope defaults to it too. */
export const runnerGroupOf = (scope: Scope, requested?: number): number => requested ?? scope.runnerGroupId ?? 1;

/** `name` or `owner/name` in a configured org repository list, as `owner/name`. */
export const qualifyRepo = (org: string, r: string): string => (r.includes('/') ? r : `${org}/${r}`);
