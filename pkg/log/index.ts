export { createLogger, newReconcileId, logOptionsFromEnv, LOG_LEVELS } from './logger.js';
export type { Logger, LoggerOptions, LogLevel } from './logger.js';
export { createMemoryLogger } from './memory-logger.js';
export { redact, redactString, registerSecret, registeredSecretCount, isSecretKey, REDACTED } from './redact.js';
