import { DURATION_PATTERN, MEMORY_PATTERN } from './duration.js';

/**
 * JSON Schemas of the documents as users write them (camelCase, friendly units). Normalization to PoolSpec /
 * ControllerSettings happens after validation; cross-field rules (min <= max, ...) are checked there too.
 */

export const API_VERSION = 'shghar.io/v1';

const duration = { anyOf: [{ type: 'string', pattern: DURATION_PATTERN }, { type: 'number', minimum: 0 }] };
const positiveDuration = {
  anyOf: [{ type: 'string', pattern: DURATION_PATTERN }, { type: 'number', exclusiveMinimum: 0 }],
};
const count = { type: 'integer', minimum: 0, maximum: 10000 };
const fraction = { type: 'number', minimum: 0, maximum: 1 };
/** A credential reference: never the credential itself. */
export const SECRET_REF_PATTERN = '^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$';
const secretRef = { type: 'string', pattern: SECRET_REF_PATTERN };
const name = { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$' };

const metadata = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name, labels: { type: 'object', additionalProperties: { type: 'string' } } },
};

export const runnerPoolSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: API_VERSION },
    kind: { const: 'RunnerPool' },
    metadata,
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['runner'],
      properties: {
        repository: { type: 'string', pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$' },
        organization: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$' },
        repositories: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9_./-]+$' }, uniqueItems: true },
        runnerGroup: { type: 'string', minLength: 1 },
        runnerGroupId: { type: 'integer', minimum: 1 },
        runner: {
          type: 'object',
          additionalProperties: false,
          required: ['image'],
          properties: {
            image: { type: 'string', minLength: 1 },
            labels: {
              type: 'array',
              minItems: 1,
              maxItems: 100,
              items: { type: 'string', pattern: '^[^,\\s]+$' },
            },
            namePrefix: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,40}$' },
            env: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
            network: { type: 'string', minLength: 1 },
            cpus: { type: 'number', exclusiveMinimum: 0, maximum: 1024 },
            memory: { anyOf: [{ type: 'string', pattern: MEMORY_PATTERN }, { type: 'integer', minimum: 1 }] },
            volumes: { type: 'array', items: { type: 'string', minLength: 1 } },
            workdir: { type: 'string', minLength: 1 },
            privileged: { type: 'boolean' },
            mode: { enum: ['jit', 'registration-token'] },
          },
        },
        scaling: {
          type: 'object',
          additionalProperties: false,
          properties: {
            policy: { enum: ['demand', 'threshold'] },
            min: count,
            max: { type: 'integer', minimum: 1, maximum: 10000 },
            scaleUpThreshold: { type: 'integer', minimum: -10000, maximum: 10000 },
            scaleDownThreshold: { type: 'integer', minimum: -10000, maximum: 10000 },
            utilizationHigh: fraction,
            utilizationLow: fraction,
            idleTimeout: duration,
            idleBuffer: count,
            maxCreatePerAction: { type: 'integer', minimum: 1, maximum: 10000 },
            maxDeletePerAction: { type: 'integer', minimum: 1, maximum: 10000 },
            scaleUpCooldown: duration,
            pollInterval: positiveDuration,
            priority: { type: 'integer' },
          },
        },
        guards: {
          type: 'object',
          additionalProperties: false,
          properties: {
            breakerThreshold: { type: 'integer', minimum: 1, maximum: 1000 },
            breakerBackoff: positiveDuration,
            maxConcurrentActions: { type: 'integer', minimum: 1, maximum: 100 },
          },
        },
        graces: {
          type: 'object',
          additionalProperties: false,
          properties: { registration: positiveDuration, orphan: duration, start: positiveDuration },
        },
      },
    },
  },
} as const;

export const controllerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind'],
  properties: {
    apiVersion: { const: API_VERSION },
    kind: { const: 'Controller' },
    metadata: { ...metadata, required: [] },
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        githubApiUrl: { type: 'string', pattern: '^https?://[^\\s]+$' },
        githubToken: secretRef,
        githubApp: {
          type: 'object',
          additionalProperties: false,
          required: ['appId', 'installationId', 'privateKey'],
          properties: {
            appId: { type: 'integer', minimum: 1 },
            installationId: { type: 'integer', minimum: 1 },
            privateKey: secretRef,
          },
        },
        docker: { type: 'string', minLength: 1 },
        listen: {
          anyOf: [
            { type: 'string', pattern: '^([^\\s:]*|\\[[0-9a-fA-F:]+\\]):[0-9]{1,5}$' },
            {
              type: 'object',
              additionalProperties: false,
              required: ['port'],
              properties: { host: { type: 'string' }, port: { type: 'integer', minimum: 0, maximum: 65535 } },
            },
          ],
        },
        controllerId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' },
        webhook: {
          type: 'object',
          additionalProperties: false,
          required: ['secret'],
          properties: { path: { type: 'string', pattern: '^/' }, secret: secretRef },
        },
        apiToken: secretRef,
        logLevel: { enum: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] },
        structuredLogging: { type: 'boolean' },
        stateDir: { type: 'string', minLength: 1 },
      },
    },
  },
} as const;

/** Fields holding credential references: a value that is not a reference gets a message about inline secrets. */
export const SECRET_PATHS = ['spec.githubToken', 'spec.githubApp.privateKey', 'spec.webhook.secret', 'spec.apiToken'];
