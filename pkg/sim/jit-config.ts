// JIT configs are opaque base64 like GitHub's: a JSON map of base64 files (.runner, .credentials) the runner writes out.
export interface JitContents { runnerId: number; name: string; serverUrl: string; gitHubUrl: string; secret: string }

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

export function encodeJitConfig(c: JitContents): string {
  return b64({
    '.runner': b64({ agentId: c.runnerId, agentName: c.name, poolId: 1, poolName: 'Default', serverUrl: c.serverUrl,
      gitHubUrl: c.gitHubUrl, workFolder: '_work', ephemeral: true, disableUpdate: true }),
    '.credentials': b64({ scheme: 'OAuthAccessToken', data: { token: c.secret } }),
    '.credentials_rsaparams': b64({}),
  });
}

export function decodeJitConfig(encoded: string): JitContents {
  const outer = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  const runner = JSON.parse(Buffer.from(outer['.runner'], 'base64').toString('utf8'));
  const creds = JSON.parse(Buffer.from(outer['.credentials'], 'base64').toString('utf8'));
  return { runnerId: runner.agentId, name: runner.agentName, serverUrl: runner.serverUrl, gitHubUrl: runner.gitHubUrl, secret: creds.data.token };
}
