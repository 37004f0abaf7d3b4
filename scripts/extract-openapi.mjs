// Regenerates the committed subset of GitHub's OpenAPI descriptions that the simulator's contract tests use.
// The full packages are ~400 MB, so they are installed outside the repository:
//   npm install --prefix /tmp/octokit-openapi @octokit/openapi @octokit/openapi-webhooks
//   node scripts/extract-openapi.mjs /tmp/octokit-openapi/node_modules
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const modules = process.argv[2];
if (!modules) {
  console.error('usage: node scripts/extract-openapi.mjs <node_modules dir holding @octokit/openapi and @octokit/openapi-webhooks>');
  process.exit(2);
}

const OPERATIONS = [
  'GET /rate_limit',
  'POST /app/installations/{installation_id}/access_tokens',
  'GET /repos/{owner}/{repo}/actions/runs',
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
  'GET /repos/{owner}/{repo}/actions/jobs/{job_id}',
  'GET /orgs/{org}/repos',
];
for (const scope of ['/repos/{owner}/{repo}', '/orgs/{org}']) {
  OPERATIONS.push(
    `GET ${scope}/actions/runners`,
    `GET ${scope}/actions/runners/{runner_id}`,
    `DELETE ${scope}/actions/runners/{runner_id}`,
    `POST ${scope}/actions/runners/registration-token`,
    `POST ${scope}/actions/runners/remove-token`,
    `POST ${scope}/actions/runners/generate-jitconfig`,
    `GET ${scope}/actions/runners/{runner_id}/labels`,
    `POST ${scope}/actions/runners/{runner_id}/labels`,
    `PUT ${scope}/actions/runners/{runner_id}/labels`,
    `DELETE ${scope}/actions/runners/{runner_id}/labels/{name}`,
  );
}

const pkgVersion = (name) => JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')).version;
const api = JSON.parse(readFileSync(join(modules, '@octokit/openapi/generated/api.github.com.deref.json'), 'utf8'));
const operations = {};
for (const op of OPERATIONS) {
  const [method, path] = op.split(' ');
  const def = api.paths[path]?.[method.toLowerCase()];
  if (!def) throw new Error(`operation missing from the description: ${op}`);
  const responses = {};
  for (const [status, res] of Object.entries(def.responses)) {
    responses[status] = res.content?.['application/json']?.schema ?? null;
  }
  operations[op] = { operationId: def.operationId, responses };
}
writeFileSync(
  'test/fixtures/openapi/api.github.com.subset.json',
  JSON.stringify({ source: `@octokit/openapi@${pkgVersion('@octokit/openapi')} generated/api.github.com.deref.json`, operations }, null, 1) + '\n',
);

const hooks = JSON.parse(readFileSync(join(modules, '@octokit/openapi-webhooks/generated/api.github.com.json'), 'utf8'));
const wanted = Object.keys(hooks.components.schemas).filter((k) => k.startsWith('webhook-workflow-job-'));
// The webhook description uses $ref into components; keep the schemas and everything they reach.
const schemas = {};
const visit = (node) => {
  if (Array.isArray(node)) return node.forEach(visit);
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') {
      const name = v.replace('#/components/schemas/', '');
      if (!schemas[name]) {
        schemas[name] = hooks.components.schemas[name];
        visit(schemas[name]);
      }
    } else visit(v);
  }
};
for (const name of wanted) {
  schemas[name] = hooks.components.schemas[name];
  visit(schemas[name]);
}
writeFileSync(
  'test/fixtures/webhooks/workflow-job.subset.json',
  JSON.stringify({ source: `@octokit/openapi-webhooks@${pkgVersion('@octokit/openapi-webhooks')} generated/api.github.com.json`, events: wanted, components: { schemas } }, null, 1) + '\n',
);
console.log(`extracted ${OPERATIONS.length} operations and ${wanted.length} workflow_job webhook schemas`);
