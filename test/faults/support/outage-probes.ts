/**
 * Probes that watch the hub from outside while its database goes away: `/healthz` twice a second and
 * a steady API read, each answer recorded with when it was asked and answered. Together with the
 * load generator's attempts they form the timeline the outage test judges.
 */
import { sendRaw, type RawOutcome } from './raw-http.js';

export interface ProbeRecord {
  kind: 'delivery' | 'read' | 'health';
  sentAt: number;
  answeredAt: number;
  status: number | string;
  retryAfter: string | null;
}

export function probeRecord(kind: ProbeRecord['kind'], sentAt: number, outcome: RawOutcome): ProbeRecord {
  return {
    kind, sentAt, answeredAt: Date.now(),
    status: outcome.kind === 'response' ? outcome.status : outcome.kind === 'timeout' ? 'timeout' : `socket ${outcome.code}`,
    retryAfter: outcome.kind === 'response' ? (outcome.headers['retry-after'] ?? null) : null,
  };
}

/** Runs the probes until `stop` is called; every answer lands in `records`. */
export function startProbes(options: { baseUrl: () => string; readKey: string; timeoutMs: number; records: ProbeRecord[] }): { stop(): Promise<void> } {
  let stopped = false;
  const pending = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  // Health: fired on a fixed beat, not one after another, so one hanging probe does not hide the rest.
  const healthTimer = setInterval(() => {
    const sentAt = Date.now();
    track(sendRaw(options.baseUrl(), { method: 'GET', path: '/healthz', timeoutMs: options.timeoutMs })
      .then((outcome) => void options.records.push(probeRecord('health', sentAt, outcome))));
  }, 500);
  const reads = (async () => {
    while (!stopped) {
      const sentAt = Date.now();
      const outcome = await sendRaw(options.baseUrl(), { method: 'GET', path: '/api/v1/conversions?perPage=1', headers: { Authorization: `Bearer ${options.readKey}` }, timeoutMs: options.timeoutMs });
      options.records.push(probeRecord('read', sentAt, outcome));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      stopped = true;
      clearInterval(healthTimer);
      await reads;
      await Promise.all(pending);
    },
  };
}
