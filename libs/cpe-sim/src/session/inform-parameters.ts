import type { DataModel } from '../data-model/data-model';

const TR181_WAN_ADDRESS = /^Device\.IP\.Interface\.\d+\.IPv4Address\.\d+\.IPAddress$/;
const TR098_WAN_ADDRESS =
  /^InternetGatewayDevice\.WANDevice\.\d+\.WANConnectionDevice\.\d+\.WAN(IP|PPP)Connection\.\d+\.ExternalIPAddress$/;

/**
 * The parameters a CPE puts in every Inform (TR-098 / TR-181 "forced inform" parameters): device summary and
 * versions, provisioning code, ManagementServer.ConnectionRequestURL and ParameterKey, UDPConnectionRequestAddress
 * once set, and the WAN address the ACS reaches it at. Only those present in the model; the WAN address is the first
 * non-empty one found.
 */
export function informParameterNames(model: DataModel): string[] {
  const root = model.root;
  const candidates =
    root === 'Device'
      ? [
          'Device.RootDataModelVersion',
          'Device.DeviceSummary',
          'Device.DeviceInfo.HardwareVersion',
          'Device.DeviceInfo.SoftwareVersion',
          'Device.DeviceInfo.ProvisioningCode',
          'Device.ManagementServer.ParameterKey',
          'Device.ManagementServer.ConnectionRequestURL',
          'Device.ManagementServer.AliasBasedAddressing',
        ]
      : [
          'InternetGatewayDevice.DeviceSummary',
          'InternetGatewayDevice.DeviceInfo.SpecVersion',
          'InternetGatewayDevice.DeviceInfo.HardwareVersion',
          'InternetGatewayDevice.DeviceInfo.SoftwareVersion',
          'InternetGatewayDevice.DeviceInfo.ProvisioningCode',
          'InternetGatewayDevice.ManagementServer.ConnectionRequestURL',
          'InternetGatewayDevice.ManagementServer.ParameterKey',
        ];
  const names = candidates.filter((name) => model.value(name) !== undefined);
  // Reported once the CPE has a UDP connection-request address (TR-111), so the ACS can reach it behind NAT.
  const udpAddress = `${root}.ManagementServer.UDPConnectionRequestAddress`;
  if (model.value(udpAddress)) names.push(udpAddress);
  const wan = wanAddressName(model);
  if (wan) names.push(wan);
  return names;
}

/** The parameter holding the CPE's WAN (management) IPv4 address, if the model has one. */
export function wanAddressName(model: DataModel): string | undefined {
  const pattern = model.root === 'Device' ? TR181_WAN_ADDRESS : TR098_WAN_ADDRESS;
  let fallback: string | undefined;
  let anyAddress: string | undefined;
  for (const parameter of model.parameters()) {
    if (parameter.object || !pattern.test(parameter.name)) continue;
    const set = parameter.value !== '' && parameter.value !== '0.0.0.0';
    if (set && !isPrivateLan(parameter.value)) return parameter.name;
    if (set) fallback ??= parameter.name;
    anyAddress ??= parameter.name;
  }
  return fallback ?? anyAddress;
}

// A LAN-side address (the gateway's own 192.168.x.1) is not what the ACS reaches the CPE at.
function isPrivateLan(address: string): boolean {
  return address.startsWith('192.168.') || address.startsWith('10.') || /^172\.(1[6-9]|2\d|3[01])\./.test(address);
}
