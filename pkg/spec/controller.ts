import { DEFAULT_CONTROLLER_ID, DEFAULT_GITHUB_API_URL, DEFAULT_LISTEN } from './defaults.js';
import type { ControllerSettings } from './types.js';
import type { PathIssue } from './validate.js';

/** The Controller document as the schema admits it. */
export interface RawController {
  spec?: {
    githubApiUrl?: string;
    githubToken?: string;
    githubApp?: { appId: number; installationId: number; privateKey: string };
    docker?: string;
    listen?: string | { host?: string; port: number };
    controllerId?: string;
    webhook?: { path?: string; secret: string };
    apiToken?: string;
    logLevel?: string;
    structuredLogging?: boolean;
    stateDir?: string;
  };
}

/** `host:port`, `:port` or `[::1]:port`. */
export const parseListen = (v: string): { host: string; port: number } => {
  const cut = v.lastIndexOf(':');
  const host = v.slice(0, cut).replace(/^\[(.*)\]$/, '$1');
  return { host: host || DEFAULT_LISTEN.host, port: Number(v.slice(cut + 1)) };
};

export const normalizeController = (raw: RawController, issues: PathIssue[]): ControllerSettings => {
  const s = raw.spec ?? {};
  if (s.githubToken !== undefined && s.githubApp !== undefined)
    issues.push({ path: 'spec.githubApp', message: 'give githubToken or githubApp, not both' });
  const listen =
    s.listen === undefined
      ? { ...DEFAULT_LISTEN }
      : typeof s.listen === 'string'
        ? parseListen(s.listen)
        : { host: s.listen.host ?? DEFAULT_LISTEN.host, port: s.listen.port };
  if (!(listen.port >= 0 && listen.port <= 65535)) issues.push({ path: 'spec.listen', message: 'port must be 0-65535' });
  return {
    githubApiUrl: (s.githubApiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, ''),
    ...(s.githubToken !== undefined ? { githubTokenRef: s.githubToken } : {}),
    ...(s.githubApp !== undefined
      ? {
          githubApp: {
            appId: s.githubApp.appId,
            installationId: s.githubApp.installationId,
            privateKeyRef: s.githubApp.privateKey,
          },
        }
      : {}),
    ...(s.docker !== undefined ? { dockerEndpoint: s.docker } : {}),
    listen,
    controllerId: s.controllerId ?? DEFAULT_CONTROLLER_ID,
    ...(s.webhook !== undefined ? { webhook: { path: s.webhook.path ?? '/webhooks/github', secretRef: s.webhook.secret } } : {}),
    ...(s.apiToken !== undefined ? { apiTokenRef: s.apiToken } : {}),
    logLevel: s.logLevel ?? 'info',
    structuredLogging: s.structuredLogging ?? false,
    ...(s.stateDir !== undefined ? { stateDir: s.stateDir } : {}),
  };
};

export const defaultControllerSettings = (): ControllerSettings => normalizeController({}, []);
