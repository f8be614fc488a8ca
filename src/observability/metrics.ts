/** @module Prometheus metrics of one hub instance (SPEC §1 `/metrics`). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface HubMetrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly webhookDeliveries: Counter<'provider' | 'outcome'>;
  readonly processingLag: Histogram<'provider'>;
  readonly queueDepth: Gauge;
  /** Plugged in by the processor once it exists: counts stored events not processed yet. */
  setQueueDepthReader(reader: () => Promise<number>): void;
}

export function createHubMetrics(): HubMetrics {
  const registry = new Registry();
  // prom-client's default names already start with process_ or nodejs_: the prefix adds only hub_.
  collectDefaultMetrics({ register: registry, prefix: 'hub_' });
  let readQueueDepth: (() => Promise<number>) | null = null;
  return {
    registry,
    httpRequests: new Counter({
      name: 'hub_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'hub_webhook_deliveries_total',
      help: 'Inbound webhook deliveries by provider and outcome (stored, duplicate, invalid_signature, …).',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    }),
    processingLag: new Histogram({
      name: 'hub_processing_lag_seconds',
      help: 'Time from storing an inbound event to finishing its processing.',
      labelNames: ['provider'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'hub_queue_depth',
      help: 'Stored inbound events waiting to be processed.',
      registers: [registry],
      async collect() {
        if (readQueueDepth) this.set(await readQueueDepth());
      },
    }),
    setQueueDepthReader(reader) {
      readQueueDepth = reader;
    },
  };
}
