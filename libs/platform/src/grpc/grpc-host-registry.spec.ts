import { GrpcHostRegistry } from './grpc-host-registry';
import { GrpcServerHost } from './grpc-server.host';

describe('GrpcHostRegistry', () => {
  const provisioning = new GrpcServerHost({ host: '127.0.0.1', port: 0 });
  const firmware = new GrpcServerHost({ host: '127.0.0.1', port: 0 });

  it("gives each service's own host, whichever was registered first", () => {
    const hosts = new GrpcHostRegistry();
    hosts.register('firmware', firmware);
    hosts.register('provisioning', provisioning);
    expect(hosts.get('provisioning')).toBe(provisioning);
    expect(hosts.get('firmware')).toBe(firmware);
  });

  it('refuses a second host under one name, and names a service it does not know', () => {
    const hosts = new GrpcHostRegistry();
    hosts.register('provisioning', provisioning);
    expect(() => hosts.register('provisioning', firmware)).toThrow('a host of provisioning is already registered');
    expect(() => hosts.get('grouping')).toThrow('no host of grouping in this process');
  });
});
