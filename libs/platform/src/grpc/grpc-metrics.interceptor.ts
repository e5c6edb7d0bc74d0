import { ResponderBuilder, ServerInterceptingCall, status, type ServerInterceptor } from '@grpc/grpc-js';
import { Counter, Histogram, type Registry } from 'prom-client';
import { metricOf } from '../observability/metrics';

/**
 * Prometheus metrics of a gRPC server, per method and status code: `acs_grpc_server_handled_total` and
 * `acs_grpc_server_handling_seconds` (for streams: the stream's whole life). Put it first among the interceptors so
 * that calls refused by later ones (authentication, rate limits) are counted too. One instance per registry: the
 * metrics are registered once and shared by every server of the process.
 */
export function grpcMetricsInterceptor(registry: Registry): ServerInterceptor {
  const handled = metricOf(registry, 'acs_grpc_server_handled_total', () => new Counter({
    name: 'acs_grpc_server_handled_total',
    help: 'gRPC calls answered, by method and status code',
    labelNames: ['method', 'code'] as const,
    registers: [registry],
  }));
  const seconds = metricOf(registry, 'acs_grpc_server_handling_seconds', () => new Histogram({
    name: 'acs_grpc_server_handling_seconds',
    help: 'Time from the start of a gRPC call to its status, by method',
    labelNames: ['method'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }));
  return (descriptor, call) => {
    const started = process.hrtime.bigint();
    let counted = false;
    const count = (code: status): void => {
      if (counted) return;
      counted = true;
      handled.inc({ method: descriptor.path, code: status[code] ?? String(code) });
      seconds.observe({ method: descriptor.path }, Number(process.hrtime.bigint() - started) / 1e9);
    };
    return new ServerInterceptingCall(
      call,
      new ResponderBuilder()
        .withStart((next) => next({ onCancel: () => count(status.CANCELLED) }))
        .withSendStatus((outcome, next) => {
          count(outcome.code);
          next(outcome);
        })
        .build(),
    );
  };
}
