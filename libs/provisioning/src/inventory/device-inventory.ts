import { isXsdType, withoutTrailingDot, type AcsRequest, type CpeResponse, type CwmpValue, type XsdType } from '@acs/cwmp';

import type { DeviceSummary, InformFacts, ParameterUpdate } from '../domain/device';
import type { DeviceRepository } from '../repositories/ports';

/**
 * The one writer of the device inventory: what an Inform says, what the device's answers teach, the
 * connection-request credentials the ACS set, tags, and forgetting a device. Use cases read devices from the
 * repository directly; every write goes through here, so "what changes a device record" has one answer.
 */
export class DeviceInventory {
  constructor(
    private readonly devices: DeviceRepository,
    private readonly now: () => number = Date.now,
  ) {}

  /** Registers the device on first contact, or updates it (a BOOTSTRAP clears what was known). */
  applyInform(facts: InformFacts): Promise<{ created: boolean; device: DeviceSummary }> {
    return this.devices.applyInform(facts);
  }

  /** What an answer to `request` teaches about the device's data model. */
  async learn(deviceId: string, request: AcsRequest, response: CpeResponse): Promise<void> {
    const { devices } = this;
    const at = this.now();
    switch (response.kind) {
      case 'GetParameterValuesResponse':
        await devices.setParameters(deviceId, response.parameterList.map((p) => ({ path: p.name, value: p.value.value, type: reportedType(p.value) })), at);
        break;
      case 'GetParameterNamesResponse': {
        const updates: ParameterUpdate[] = response.parameterList.map((p) => ({ path: withoutTrailingDot(p.name), object: p.name.endsWith('.'), writable: p.writable }));
        if (request.kind === 'GetParameterNames' && !request.nextLevel) {
          // The empty path is the whole tree: replace each root object the answer names.
          const roots = request.parameterPath === '' ? [...new Set(updates.map((u) => u.path.split('.')[0]))] : [withoutTrailingDot(request.parameterPath)];
          for (const root of roots) {
            await devices.replaceSubtree(deviceId, root, updates.filter((u) => u.path === root || u.path.startsWith(`${root}.`)), at);
          }
        } else {
          await devices.setParameters(deviceId, updates, at);
        }
        break;
      }
      case 'SetParameterValuesResponse':
        if (request.kind === 'SetParameterValues') {
          await devices.setParameters(deviceId, request.parameterList.map((p) => ({ path: p.name, value: p.value.value, type: p.value.type })), at);
          await this.rememberCredentials(deviceId, request.parameterList);
        }
        break;
      case 'AddObjectResponse':
        if (request.kind === 'AddObject') await devices.setParameters(deviceId, [{ path: `${request.objectName}${response.instanceNumber}`, object: true }], at);
        break;
      case 'DeleteObjectResponse':
        if (request.kind === 'DeleteObject') await devices.deleteSubtree(deviceId, withoutTrailingDot(request.objectName));
        break;
      default:
        break;
    }
  }

  /** Adds then removes tags (a tag in both is removed); the device's tags after. DeviceNotFoundError if absent. */
  setTags(deviceId: string, add: string[], remove: string[]): Promise<string[]> {
    return this.devices.setTags(deviceId, add, remove);
  }

  /** Forgets the device; false when there was none. */
  delete(deviceId: string): Promise<boolean> {
    return this.devices.delete(deviceId);
  }

  /**
   * When an SPV the device accepted set its connection-request credentials, remember them for waking it later: a CPE
   * reads its password back empty, so the inventory cannot learn it any other way.
   */
  private async rememberCredentials(deviceId: string, values: Array<{ name: string; value: { value: string | number | boolean } }>): Promise<void> {
    const find = (suffix: string) => values.find((v) => v.name.endsWith(`ManagementServer.${suffix}`))?.value.value;
    const password = find('ConnectionRequestPassword');
    if (password === undefined) return;
    const username = find('ConnectionRequestUsername') ?? (await this.devices.get(deviceId))?.connectionRequestUsername ?? '';
    await this.devices.setConnectionRequestCredentials(deviceId, String(username), String(password));
  }
}

/**
 * The type the device declared for a value. The codec keeps a value whose text does not fit its declared xsd type
 * (an `unsignedInt` sent empty, as real dumps have) as a string and notes the declared type; the inventory records
 * what the device declared.
 */
function reportedType(value: CwmpValue): XsdType {
  return value.declaredType && isXsdType(value.declaredType) ? value.declaredType : value.type;
}
