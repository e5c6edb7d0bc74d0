import * as dgram from 'node:dgram';
import { isIP } from 'node:net';
import { parseUdpConnectionRequest, udpConnectionRequestSignatureMatches } from '@acs/cwmp';
import type { Credentials } from './http-auth';

export interface UdpConnectionRequestTarget {
  /** The credentials the ACS must sign with now (ManagementServer.ConnectionRequestUsername/Password); none: open. */
  credentials(): Credentials | undefined;
  /** A valid, new connection request arrived. */
  onConnectionRequest(): void;
}

export interface UdpConnectionRequestListenerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** A request whose ts is further than this from our clock is ignored. Default 300 s. */
  replayWindowSeconds?: number;
  /** Wall clock in ms (tests). */
  now?: () => number;
}

export type UdpRejection =
  | 'malformed'
  | 'wrong-username'
  | 'bad-signature'
  | 'stale-timestamp'
  | 'duplicate-id';

const MAX_DATAGRAM = 2048;

/**
 * The UDP port a CPE behind NAT listens on for connection requests (TR-111 Part 2, TR-069 Annex G): each datagram
 * is an HTTP 1.1 GET whose absolute Request-URI carries ts, id, un, cn and sig = HMAC-SHA1(password, ts+id+un+cn) in
 * hex. A valid request starts a '6 CONNECTION REQUEST' session, as the HTTP listener does; nothing is answered.
 * The ACS sends each request several times with one id: the first copy wakes the CPE, the others are duplicates.
 * Replays are refused by the timestamp window and by remembering every id accepted within that window.
 */
export class UdpConnectionRequestListener {
  /** Counts, for tests and the simulator's report. */
  readonly stats = { accepted: 0, duplicates: 0, rejected: 0 };
  lastRejection?: UdpRejection;

  private readonly socket: dgram.Socket;
  private readonly seen = new Map<string, number>();
  private readonly windowSeconds: number;
  private readonly now: () => number;
  private target?: UdpConnectionRequestTarget;
  private boundPort?: number;
  private readonly processedListeners = new Set<() => void>();

  constructor(private readonly options: UdpConnectionRequestListenerOptions) {
    this.windowSeconds = options.replayWindowSeconds ?? 300;
    this.now = options.now ?? Date.now;
    this.socket = dgram.createSocket(isIP(options.host) === 6 ? 'udp6' : 'udp4');
    this.socket.on('message', (message) => this.receive(message));
    // A listener error (e.g. ICMP noise) must not crash a fleet of simulated devices.
    this.socket.on('error', () => undefined);
  }

  async listen(): Promise<void> {
    if (this.boundPort !== undefined) return;
    await new Promise<void>((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(this.options.port, this.options.host, () => {
        this.socket.off('error', reject);
        resolve();
      });
    });
    this.boundPort = this.socket.address().port;
  }

  get port(): number {
    if (this.boundPort === undefined) throw new Error('UDP connection request listener is not listening');
    return this.boundPort;
  }

  /** The value for ManagementServer.UDPConnectionRequestAddress: host:port (IPv6 in brackets). */
  get address(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `${host}:${this.port}`;
  }

  register(target: UdpConnectionRequestTarget): void {
    this.target = target;
  }

  unregister(): void {
    this.target = undefined;
  }

  /** Called after every datagram is handled, whatever the verdict (tests wait on it instead of sleeping). */
  onProcessed(listener: () => void): () => void {
    this.processedListeners.add(listener);
    return () => this.processedListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.boundPort === undefined) return;
    this.boundPort = undefined;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private receive(datagram: Buffer): void {
    const verdict = datagram.length > MAX_DATAGRAM ? 'malformed' : this.check(datagram.toString('utf8'));
    if (verdict === 'accepted') this.stats.accepted++;
    else if (verdict === 'duplicate-id') this.stats.duplicates++;
    else {
      this.stats.rejected++;
      this.lastRejection = verdict;
    }
    if (verdict === 'accepted') this.target?.onConnectionRequest();
    for (const listener of this.processedListeners) listener();
  }

  private check(text: string): 'accepted' | UdpRejection {
    const request = parseUdpConnectionRequest(text);
    if (!request) return 'malformed';
    const { ts, id, username } = request.fields;
    const credentials = this.target?.credentials();
    if (credentials && credentials.username !== '') {
      if (username !== credentials.username) return 'wrong-username';
      if (!udpConnectionRequestSignatureMatches(request.fields, credentials.password, request.sig)) return 'bad-signature';
    }
    const nowSeconds = Math.floor(this.now() / 1000);
    if (Math.abs(nowSeconds - Number(ts)) > this.windowSeconds) return 'stale-timestamp';
    this.forgetOldIds(nowSeconds);
    // Only authentic messages reach this point, so a forged flood cannot fill the map.
    if (this.seen.has(id)) return 'duplicate-id';
    this.seen.set(id, nowSeconds);
    return 'accepted';
  }

  private forgetOldIds(nowSeconds: number): void {
    for (const [id, at] of this.seen) if (nowSeconds - at > 2 * this.windowSeconds) this.seen.delete(id);
  }
}
