import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pino from 'pino';

import { openSqliteFirmwareStore, type SqliteFirmwareStore } from '../repositories/sqlite-store';
import { createFirmwareCore, type FirmwareCore, type FirmwareUseCases } from '../usecases/firmware-usecases';

export interface FirmwareFixtureOptions {
  maxFileBytes?: number;
  now?: () => number;
}

/** The firmware service's use cases on the embedded store in a throw-away directory, as the standalone runs them. */
export class FirmwareFixture {
  private constructor(
    readonly store: SqliteFirmwareStore,
    readonly core: FirmwareCore,
    readonly dataDir: string,
  ) {}

  static async open(options: FirmwareFixtureOptions = {}): Promise<FirmwareFixture> {
    const dataDir = await mkdtemp(join(tmpdir(), 'acs-firmware-usecases-'));
    const store = await openSqliteFirmwareStore({ dataDir });
    const core = createFirmwareCore({ store, config: { maxFileBytes: options.maxFileBytes ?? 10 * 1024 * 1024 }, logger: pino({ level: 'silent' }), now: options.now });
    return new FirmwareFixture(store, core, dataDir);
  }

  get useCases(): FirmwareUseCases {
    return this.core.useCases;
  }

  /** Marks a campaign as using files, as the campaigns part will write it. */
  async putCampaign(campaign: { _id: string; status: string; fileIds: string[] }): Promise<void> {
    await this.store.collections.campaigns.replaceOne({ _id: campaign._id }, campaign, { upsert: true });
  }

  async close(): Promise<void> {
    await this.store.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** A fresh fixture per test (beforeEach/afterEach); the getter gives the current one. */
export function useFirmwareFixture(options: FirmwareFixtureOptions = {}): () => FirmwareFixture {
  let fixture: FirmwareFixture | undefined;
  beforeEach(async () => {
    fixture = await FirmwareFixture.open(options);
  });
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });
  return () => {
    if (!fixture) throw new Error('no firmware fixture: opening it failed');
    return fixture;
  };
}
