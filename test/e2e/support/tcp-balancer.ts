import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * What a Kubernetes Service does for stateless pods, on loopback: each TCP connection goes to the next backend
 * that accepts one, so a client keeps one address while pods die. A backend refusing the connection (its pod
 * killed) is skipped for that connection; a connection cut mid-stream by a dying pod is cut for the client too, as
 * it would be behind a real Service.
 */
export class TcpBalancer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private next = 0;

  constructor(public backends: Array<{ host: string; port: number }>) {
    this.server = createServer((client) => this.forward(client, 0));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket, tried: number): void {
    if (tried >= this.backends.length) {
      client.destroy();
      return;
    }
    const backend = this.backends[this.next++ % this.backends.length];
    client.pause();
    this.sockets.add(client);
    client.once('close', () => this.sockets.delete(client));
    const upstream = connect(backend.port, backend.host);
    let connected = false;
    upstream.once('error', () => {
      if (!connected) this.forward(client, tried + 1);
      else client.destroy();
    });
    upstream.once('connect', () => {
      connected = true;
      this.sockets.add(upstream);
      upstream.once('close', () => {
        this.sockets.delete(upstream);
        client.destroy();
      });
      client.once('close', () => upstream.destroy());
      client.once('error', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }
}
