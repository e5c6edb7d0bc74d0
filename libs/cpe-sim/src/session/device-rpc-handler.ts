import {
  cwmpFault,
  FaultCode,
  faultString,
  type AcsRequest,
  type AddObject,
  type CpeResponse,
  type CwmpFault,
  type DeleteObject,
  type GetParameterAttributes,
  type GetParameterNames,
  type GetParameterValues,
  type ParameterAttributeStruct,
  type ParameterValueStruct,
  type SetParameterAttributes,
  type SetParameterValues,
  type SetParameterValuesFaultStruct,
} from '@acs/cwmp';
import { DataModel, DataModelError, type DataModelParameter } from '../data-model/data-model';
import { cwmpValueOf, normaliseValue, textOfValue } from '../data-model/parameter-value';

/** What the device does once the session that asked for it is over. */
export type DeviceAction =
  | { kind: 'reboot'; commandKey: string }
  | { kind: 'factoryReset' }
  | {
      kind: 'transfer';
      direction: 'download' | 'upload';
      commandKey: string;
      url: string;
      fileType: string;
      delaySeconds: number;
      /** From the RPC: credentials for the file server (empty: none) and the announced size (Download; 0: unknown). */
      username: string;
      password: string;
      fileSize: number;
    }
  | { kind: 'scheduleInform'; commandKey: string; delaySeconds: number };

export interface RpcOutcome {
  response: CpeResponse | CwmpFault;
  action?: DeviceAction;
}

/** The RPCs a simulated CPE implements, in the order GetRPCMethods lists them. */
export const SUPPORTED_METHODS = [
  'GetRPCMethods',
  'SetParameterValues',
  'GetParameterValues',
  'GetParameterNames',
  'SetParameterAttributes',
  'GetParameterAttributes',
  'AddObject',
  'DeleteObject',
  'Reboot',
  'Download',
  'Upload',
  'FactoryReset',
  'ScheduleInform',
] as const;

/**
 * Answers the ACS's RPCs against one CPE's data model. Pure with respect to the network: anything that happens
 * after the session (reboot, transfers, scheduled informs) comes back as a DeviceAction for the CPE to carry out.
 */
/** What the device adds to plain parameter storage (diagnostics objects: allowed states, tests to start or cancel). */
export interface ParameterHooks {
  /** A reason to refuse this value (fault 9007), or undefined. */
  refuse?(name: string, value: string): string | undefined;
  /** Called once a SetParameterValues was applied, with the names it set. */
  parametersSet?(names: readonly string[]): void;
}

export class DeviceRpcHandler {
  constructor(
    private readonly model: DataModel,
    private readonly hooks: ParameterHooks = {},
  ) {}

  private get root(): string {
    return this.model.root;
  }

  handle(request: AcsRequest): RpcOutcome {
    try {
      return this.dispatch(request);
    } catch (error) {
      if (error instanceof DataModelError) return { response: cwmpFault(error.faultCode, error.message) };
      throw error;
    }
  }

  private dispatch(request: AcsRequest): RpcOutcome {
    switch (request.kind) {
      case 'GetRPCMethods':
        return { response: { kind: 'GetRPCMethodsResponse', methodList: [...SUPPORTED_METHODS] } };
      case 'GetParameterValues':
        return { response: this.getParameterValues(request) };
      case 'GetParameterNames':
        return { response: this.getParameterNames(request) };
      case 'SetParameterValues':
        return { response: this.setParameterValues(request) };
      case 'GetParameterAttributes':
        return { response: this.getParameterAttributes(request) };
      case 'SetParameterAttributes':
        return { response: this.setParameterAttributes(request) };
      case 'AddObject':
        return { response: this.addObject(request) };
      case 'DeleteObject':
        return { response: this.deleteObject(request) };
      case 'Reboot':
        return { response: { kind: 'RebootResponse' }, action: { kind: 'reboot', commandKey: request.commandKey } };
      case 'FactoryReset':
        return { response: { kind: 'FactoryResetResponse' }, action: { kind: 'factoryReset' } };
      case 'Download':
      case 'Upload': {
        if (!request.url) return { response: cwmpFault(FaultCode.INVALID_ARGUMENTS, 'URL is empty') };
        const direction = request.kind === 'Download' ? 'download' : 'upload';
        const notYet = '0001-01-01T00:00:00Z';
        return {
          response: {
            kind: request.kind === 'Download' ? 'DownloadResponse' : 'UploadResponse',
            status: 1,
            startTime: notYet,
            completeTime: notYet,
          },
          action: {
            kind: 'transfer',
            direction,
            commandKey: request.commandKey,
            url: request.url,
            fileType: request.fileType,
            delaySeconds: request.delaySeconds,
            username: request.username,
            password: request.password,
            fileSize: request.kind === 'Download' ? request.fileSize : 0,
          },
        };
      }
      case 'ScheduleInform':
        if (request.delaySeconds < 1) {
          return { response: cwmpFault(FaultCode.INVALID_ARGUMENTS, 'DelaySeconds must be at least 1') };
        }
        return {
          response: { kind: 'ScheduleInformResponse' },
          action: { kind: 'scheduleInform', commandKey: request.commandKey, delaySeconds: request.delaySeconds },
        };
      case 'GetQueuedTransfers':
      case 'GetAllQueuedTransfers':
      case 'SetVouchers':
      case 'GetOptions':
      case 'ScheduleDownload':
      case 'CancelTransfer':
      case 'ChangeDUState':
        return { response: cwmpFault(FaultCode.METHOD_NOT_SUPPORTED) };
    }
  }

  private getParameterValues(request: GetParameterValues): CpeResponse {
    const parameterList: ParameterValueStruct[] = [];
    for (const path of request.parameterNames) {
      for (const parameter of this.model.select(path)) {
        if (!parameter.object) parameterList.push({ name: parameter.name, value: cwmpValueOf(parameter.type, parameter.value) });
      }
    }
    return { kind: 'GetParameterValuesResponse', parameterList };
  }

  private getParameterNames(request: GetParameterNames): CpeResponse | CwmpFault {
    const path = request.parameterPath;
    let found: Array<Readonly<DataModelParameter>>;
    if (request.nextLevel) {
      if (path !== '' && !path.endsWith('.')) {
        // NextLevel true asks for children, which a leaf does not have.
        this.model.select(path);
        return cwmpFault(FaultCode.INVALID_ARGUMENTS, 'NextLevel true with a parameter name');
      }
      found = this.model.children(path);
    } else {
      found = this.model.select(path);
    }
    return {
      kind: 'GetParameterNamesResponse',
      parameterList: found.map((p) => ({ name: p.name, writable: p.writable })),
    };
  }

  private setParameterValues(request: SetParameterValues): CpeResponse | CwmpFault {
    const faults: SetParameterValuesFaultStruct[] = [];
    const changes: Array<[name: string, value: string]> = [];
    const seen = new Set<string>();
    for (const { name, value } of request.parameterList) {
      const parameter = this.model.get(name);
      let code: number | undefined;
      let canonical: string | undefined;
      if (!parameter || parameter.object) code = FaultCode.INVALID_PARAMETER_NAME;
      else if (!parameter.writable) code = FaultCode.NON_WRITABLE_PARAMETER;
      else if ((canonical = normaliseValue(parameter.type, textOfValue(value))) === undefined) {
        code = FaultCode.INVALID_PARAMETER_VALUE;
      } else if (this.hooks.refuse?.(name, canonical) !== undefined) {
        code = FaultCode.INVALID_PARAMETER_VALUE;
      }
      if (code !== undefined) {
        faults.push({ parameterName: name, faultCode: code, faultString: faultString(code) });
      } else if (seen.has(name)) {
        return cwmpFault(FaultCode.INVALID_ARGUMENTS, `${name} appears twice`);
      } else {
        seen.add(name);
        changes.push([name, canonical!]);
      }
    }
    // Atomic: one bad parameter and nothing is applied.
    if (faults.length > 0) return cwmpFault(FaultCode.INVALID_ARGUMENTS, undefined, faults);
    for (const [name, value] of changes) this.model.set(name, value, 'acs');
    this.setParameterKey(request.parameterKey);
    this.hooks.parametersSet?.(changes.map(([name]) => name));
    return { kind: 'SetParameterValuesResponse', status: 0 };
  }

  private getParameterAttributes(request: GetParameterAttributes): CpeResponse {
    const parameterList: ParameterAttributeStruct[] = [];
    for (const path of request.parameterNames) {
      for (const parameter of this.model.select(path)) {
        if (!parameter.object) {
          parameterList.push({ name: parameter.name, notification: parameter.notification, accessList: [...parameter.accessList] });
        }
      }
    }
    return { kind: 'GetParameterAttributesResponse', parameterList };
  }

  private setParameterAttributes(request: SetParameterAttributes): CpeResponse | CwmpFault {
    // Validate every entry before changing anything, as for SetParameterValues.
    const targets = request.parameterList.map((entry) => {
      if (entry.notificationChange && !(entry.notification >= 0 && entry.notification <= 6)) {
        throw new DataModelError(FaultCode.INVALID_ARGUMENTS, `notification ${entry.notification} is not 0..6`);
      }
      return { entry, leaves: this.model.select(entry.name).filter((p) => !p.object) };
    });
    for (const { entry, leaves } of targets) {
      for (const leaf of leaves) {
        this.model.setAttributes(leaf.name, {
          notification: entry.notificationChange ? entry.notification : undefined,
          accessList: entry.accessListChange ? entry.accessList : undefined,
        });
      }
    }
    return { kind: 'SetParameterAttributesResponse' };
  }

  private addObject(request: AddObject): CpeResponse {
    const instanceNumber = this.model.addObject(request.objectName);
    this.setParameterKey(request.parameterKey);
    return { kind: 'AddObjectResponse', instanceNumber, status: 0 };
  }

  private deleteObject(request: DeleteObject): CpeResponse {
    this.model.deleteObject(request.objectName);
    this.setParameterKey(request.parameterKey);
    return { kind: 'DeleteObjectResponse', status: 0 };
  }

  private setParameterKey(key: string): void {
    const name = `${this.root}.ManagementServer.ParameterKey`;
    if (this.model.has(name)) this.model.set(name, key, 'acs');
  }
}
