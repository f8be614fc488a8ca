/**
 * A TCP proxy between the hub and PostgreSQL that can fail the way networks fail: reset every
 * connection at once (RST both ways, as a server restart, a failover or a proxy dropping them does),
 * or black-hole them — connections still open, nothing forwarded in either direction, existing and
 * new alike — until it is restored, when whatever was held back flows again.
 */
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  resetAll(): void;
  blackhole(): void;
  restore(): void;
  /** Connections open through the proxy right now. */
  connectionCount(): number;
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream: Socket;
}

function reset(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy(); // not connected yet: nothing to reset
  }
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const links = new Set<Link>();
  let blackholed = false;

  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const link: Link = { client, upstream };
    links.add(link);
    // Paused sockets read nothing: bytes wait in the kernel, as on a path that drops every packet.
    if (blackholed) {
      client.pause();
      upstream.pause();
    }
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const close = () => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close);
    upstream.on('close', close);
    // Errors end the link; they are what the test provokes, not failures of the test.
    client.on('error', close);
    upstream.on('error', close);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP address');

  return {
    port: address.port,
    resetAll() {
      for (const link of links) {
        reset(link.client);
        reset(link.upstream);
      }
      links.clear();
    },
    blackhole() {
      blackholed = true;
      for (const link of links) {
        link.client.pause();
        link.upstream.pause();
      }
    },
    restore() {
      blackholed = false;
      for (const link of links) {
        link.client.resume();
        link.upstream.resume();
      }
    },
    connectionCount: () => links.size,
    async close() {
      for (const link of links) {
        link.client.destroy();
        link.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
