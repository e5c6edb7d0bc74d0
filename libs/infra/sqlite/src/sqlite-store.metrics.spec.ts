import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createMetricsRegistry } from '@acs/platform';
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-database';
import { registerSqliteStoreMetrics, sqliteStoreHealthCheck } from './sqlite-store.metrics';

describe('embedded store metrics and health', () => {
  let dir: string;
  let db: SqliteDatabase;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'acs-store-metrics-'));
    db = openSqliteDatabase(join(dir, 'provisioning.sqlite'));
    db.exec('CREATE TABLE documents (id INTEGER PRIMARY KEY, body TEXT)');
    const insert = db.prepare('INSERT INTO documents (body) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 200; i++) insert.run('z'.repeat(2000));
    })();
    db.exec('DELETE FROM documents WHERE id > 100');
  });

  afterEach(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function gaugeValue(text: string, name: string): number {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{database="provisioning"}`));
    if (!line) throw new Error(`no ${name} in\n${text}`);
    return Number(line.split(' ')[1]);
  }

  it('reports size, free and WAL bytes per database at each scrape', async () => {
    const registry = createMetricsRegistry();
    registerSqliteStoreMetrics(registry, () => [{ name: 'provisioning', database: db }]);
    // A second registration (a module built twice on one registry) shares the gauges.
    registerSqliteStoreMetrics(registry, () => [{ name: 'provisioning', database: db }]);
    const text = await registry.metrics();
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    expect(gaugeValue(text, 'acs_store_size_bytes')).toBe((db.pragma('page_count', { simple: true }) as number) * pageSize);
    expect(gaugeValue(text, 'acs_store_free_bytes')).toBeGreaterThan(0);
    expect(gaugeValue(text, 'acs_store_wal_bytes')).toBeGreaterThan(0);

    db.close();
    expect(await registry.metrics()).not.toContain('acs_store_size_bytes{database="provisioning"}');
  });

  it('is healthy while the databases answer, and says which one is closed', async () => {
    const check = sqliteStoreHealthCheck(() => [{ name: 'provisioning', database: db }]);
    expect(check.name).toBe('embedded-store');
    await expect(check.check()).resolves.toBeUndefined();
    db.close();
    await expect(check.check()).rejects.toThrow('database provisioning is closed');
  });
});
