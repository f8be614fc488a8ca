/**
 * @module The embedded server's settings, given on its command line at every start: they override
 * postgresql.conf and ALTER SYSTEM, so the durability the banner states holds whatever the files say,
 * and a newer hub's settings apply to an existing data directory.
 */

/**
 * Connections the hub's pool opens to the embedded server (the rest of max_connections is for
 * migrations and an operator's psql). Each is a server process of its own, whose memory counts against
 * the hub's: 3 keep the processing workers and the delivery writer busy enough for the throughput aim
 * within the memory aim (BENCHMARKS.md).
 */
export const EMBEDDED_POOL_SIZE = 3;

/**
 * An idle connection is closed after this long, and its server process (~15 MB) with it: an idle hub
 * keeps one, which its pollers share; under load all stay busy and none is closed.
 */
export const EMBEDDED_IDLE_CONNECTION_MS = 1_000;

/** The port only names the socket file (`.s.PGSQL.5432`): the server listens on no TCP port. */
export const EMBEDDED_PORT = 5432;

export function serverSettings(socketDirectory: string): string[] {
  const settings: Record<string, string> = {
    // A Unix socket in the data directory, no TCP: two hubs with different data directories never
    // compete for a port, and only the owner (and root) can connect, which is why trust authentication is safe.
    listen_addresses: '',
    unix_socket_directories: socketDirectory,
    unix_socket_permissions: '0700',
    port: String(EMBEDDED_PORT),
    // What a 2xx means: every commit is flushed to disk before it is acknowledged (PostgreSQL's defaults, pinned).
    fsync: 'on',
    synchronous_commit: 'on',
    full_page_writes: 'on',
    // Memory: every process of the server maps the shared buffers it touches, so each megabyte here is
    // paid once per connection; the operating system's page cache holds the rest of the hot data anyway.
    // 128MB (the default) measured ~30 MB per backend under load, 4MB ~22 MB (BENCHMARKS.md).
    shared_buffers: '2MB',
    // An autovacuum worker, which the bench's load does start, would otherwise take up to 64MB for its list of dead rows.
    autovacuum_work_mem: '4MB',
    max_connections: '20',
    // Fewer processes: no I/O worker processes (PostgreSQL 18's default is 3), no replication, one autovacuum worker.
    io_method: 'sync',
    wal_level: 'minimal',
    max_wal_senders: '0',
    max_worker_processes: '0',
    max_parallel_workers: '0',
    max_logical_replication_workers: '0',
    autovacuum_max_workers: '1',
    // The same clock as the embedded PGlite and most servers; timestamps reach the hub with their offset anyway.
    timezone: 'UTC',
    log_timezone: 'UTC',
    log_checkpoints: 'off',
  };
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}
