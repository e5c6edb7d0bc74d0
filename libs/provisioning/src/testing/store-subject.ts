import { randomBytes } from 'node:crypto';

import type { InformFacts, ParameterUpdate, Task } from '../domain';
import type { ProvisioningStore } from '../repositories/ports';

/** A provisioning store under contract test: empty when handed over, reopenable on the same data. */
export interface ProvisioningStoreSubject {
  store: ProvisioningStore;
  /** Closes the current store and opens it again on the same data, as a process restart would. */
  reopen(): Promise<ProvisioningStore>;
  /** Closes whatever is open and throws the data away. */
  cleanup(): Promise<void>;
  /**
   * Whether the server applies concurrent writes to one document one after the other (MongoDB, nedb). FerretDB
   * 1.24 on SQLite does not: two concurrent updates of a document may both match the old state, and one is lost.
   */
  isolatesConcurrentWrites: boolean;
}

export type ProvisioningStoreFactory = () => Promise<ProvisioningStoreSubject>;

/**
 * beforeEach/afterEach wiring shared by the suites: a fresh subject per test. The returned getter gives the
 * current subject (its store changes after reopen()).
 */
export function useStoreSubject(factory: ProvisioningStoreFactory): () => ProvisioningStoreSubject {
  let subject: ProvisioningStoreSubject | undefined;
  beforeEach(async () => {
    subject = await factory();
  });
  afterEach(async () => {
    // Absent when the factory failed (server down): the test already failed with the factory's message.
    await subject?.cleanup();
    subject = undefined;
  });
  return () => {
    if (!subject) throw new Error('no store subject: the factory failed');
    return subject;
  };
}

export function uniqueToken(bytes = 5): string {
  return randomBytes(bytes).toString('hex');
}

/** Inform facts of a TR-181 device with the usual Inform parameters. */
export function sampleInform(overrides: Partial<InformFacts> = {}): InformFacts {
  const serialNumber = overrides.serialNumber ?? `SN${uniqueToken()}`;
  const parameters: ParameterUpdate[] = [
    { path: 'Device.DeviceInfo.SoftwareVersion', value: '1.0.0', type: 'string' },
    { path: 'Device.DeviceInfo.HardwareVersion', value: 'HW1', type: 'string' },
    { path: 'Device.DeviceInfo.ProvisioningCode', value: '', type: 'string' },
    { path: 'Device.ManagementServer.ConnectionRequestURL', value: 'http://198.51.100.7:7547/cr', type: 'string' },
    { path: 'Device.ManagementServer.ParameterKey', value: '', type: 'string' },
  ];
  return {
    id: `00259E-EX220-${serialNumber}`,
    oui: '00259E',
    productClass: 'EX220',
    serialNumber,
    manufacturer: 'TP-Link',
    rootObject: 'Device',
    at: 1_700_000_000_000,
    eventCodes: ['2 PERIODIC'],
    remoteAddress: '203.0.113.9',
    parameters,
    ...overrides,
  };
}

export function sampleTask(overrides: Partial<Task> = {}): Task {
  return {
    id: `task-${uniqueToken()}`,
    deviceId: 'device-1',
    spec: { kind: 'getParameterValues', parameterNames: ['Device.DeviceInfo.'] },
    status: 'pending',
    source: 'api',
    channel: 'default',
    attempts: 0,
    maxAttempts: 3,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    workItemIds: [],
    revision: 1,
    ...overrides,
  };
}

/**
 * A test of what concurrent writers to one document see. On a server that does not isolate them (FerretDB, a
 * development stand-in for MongoDB) the property cannot hold, whatever the adapter does: the test says so loudly
 * and checks nothing there; it runs on nedb and on MongoDB.
 */
export function concurrentWritesIt(subject: () => ProvisioningStoreSubject) {
  return (name: string, body: () => Promise<void>): void => {
    it(name, async () => {
      if (!subject().isolatesConcurrentWrites) {
        console.warn(`NOT CHECKED on this server: "${name}": it does not isolate concurrent writes to one document (FerretDB 1.24)`);
        return;
      }
      await body();
    });
  };
}
