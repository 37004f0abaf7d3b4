export { createMetrics, Result } from './metrics.js';
export type { Metrics, MetricsOptions, TickObservation } from './metrics.js';
export { parseExposition, sampleValue } from './parse.js';
export type { Sample } from './parse.js';
