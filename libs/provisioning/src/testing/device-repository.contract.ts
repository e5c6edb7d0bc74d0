import { InvalidParameterPathError } from '@acs/cwmp';

import type { DeviceRecord, ParameterUpdate } from '../domain';
import { DeviceNotFoundError, InvalidQueryError, type DeviceRepository } from '../repositories/ports';
import { readDeviceModelCsv, sharedMaterialPresent, TPLINK_EX220_DUMP } from './device-model-csv';
import { concurrentWritesIt, sampleInform, useStoreSubject, type ProvisioningStoreFactory } from './store-subject';

const T0 = 1_700_000_000_000;

/** The DeviceRepository port's rules, run against any store. */
export function describeDeviceRepositoryContract(name: string, factory: ProvisioningStoreFactory): void {
  describe(`DeviceRepository contract: ${name}`, () => {
    const subject = useStoreSubject(factory);
    const devices = (): DeviceRepository => subject().store.devices;
    const itConcurrent = concurrentWritesIt(subject);

    describe('applyInform', () => {
      it('creates the device on its first Inform and reads it back as returned', async () => {
        const facts = sampleInform({ eventCodes: ['0 BOOTSTRAP', '1 BOOT'] });
        const { created, device } = await devices().applyInform(facts);
        expect(created).toBe(true);
        expect(device).toMatchObject({
          id: facts.id,
          oui: '00259E',
          productClass: 'EX220',
          serialNumber: facts.serialNumber,
          manufacturer: 'TP-Link',
          rootObject: 'Device',
          softwareVersion: '1.0.0',
          hardwareVersion: 'HW1',
          connectionRequestUrl: 'http://198.51.100.7:7547/cr',
          ip: '198.51.100.7',
          registeredAt: T0,
          lastInform: T0,
          lastBoot: T0,
          lastBootstrap: T0,
          recentEvents: [{ at: T0, codes: ['0 BOOTSTRAP', '1 BOOT'] }],
          tags: [],
        });
        // The write returns the device without its tree; the tree is read on its own.
        expect(device).not.toHaveProperty('parameters');
        const stored = (await devices().get(facts.id))!;
        expect(stored.parameters['Device.DeviceInfo.SoftwareVersion']).toEqual({ value: '1.0.0', type: 'string', learnedAt: T0 });
        expect(Object.keys(stored.parameters)).toHaveLength(5);
        expect(stored).toEqual({ ...device, parameters: stored.parameters });
        expect(await devices().get('no-such-device')).toBeNull();
      });

      it('updates fields and merges parameters on later Informs, keeping registeredAt', async () => {
        const first = sampleInform({ eventCodes: ['1 BOOT'] });
        await devices().applyInform(first);
        const { created, device } = await devices().applyInform({
          ...first,
          at: T0 + 60_000,
          eventCodes: ['2 PERIODIC'],
          remoteAddress: '203.0.113.10',
          parameters: [
            { path: 'Device.DeviceInfo.SoftwareVersion', value: '1.1.0' },
            { path: 'Device.DeviceInfo.UpTime', value: 60, type: 'unsignedInt' },
          ],
        });
        expect(created).toBe(false);
        expect(device).toMatchObject({ registeredAt: T0, lastInform: T0 + 60_000, lastBoot: T0, softwareVersion: '1.1.0', ip: '198.51.100.7' });
        expect(device.lastBootstrap).toBeUndefined();
        // A value without a type keeps the type known before.
        const stored = (await devices().get(first.id))!;
        expect(stored.parameters['Device.DeviceInfo.SoftwareVersion']).toEqual({ value: '1.1.0', type: 'string', learnedAt: T0 + 60_000 });
        expect(stored.parameters['Device.DeviceInfo.UpTime']).toEqual({ value: 60, type: 'unsignedInt', learnedAt: T0 + 60_000 });
        expect(stored.parameters['Device.DeviceInfo.HardwareVersion']).toEqual({ value: 'HW1', type: 'string', learnedAt: T0 });
        expect(stored).toEqual({ ...device, parameters: stored.parameters });
      });

      it("takes ip from the connection's source only while no ConnectionRequestURL is known", async () => {
        const facts = sampleInform({ parameters: [{ path: 'Device.DeviceInfo.SoftwareVersion', value: '1.0.0' }], remoteAddress: '192.0.2.44' });
        expect((await devices().applyInform(facts)).device.ip).toBe('192.0.2.44');
        expect((await devices().applyInform({ ...facts, at: T0 + 1, remoteAddress: '192.0.2.45' })).device.ip).toBe('192.0.2.45');
        const withUrl = [{ path: 'Device.ManagementServer.ConnectionRequestURL', value: 'http://198.51.100.8:7547/' }];
        expect((await devices().applyInform({ ...facts, at: T0 + 2, parameters: withUrl })).device.ip).toBe('198.51.100.8');
        expect((await devices().applyInform({ ...facts, at: T0 + 3, remoteAddress: '192.0.2.46' })).device.ip).toBe('198.51.100.8');
      });

      it('clears the known parameter tree on 0 BOOTSTRAP, keeping tags and registeredAt', async () => {
        const facts = sampleInform();
        await devices().applyInform(facts);
        await devices().setParameters(facts.id, [{ path: 'Device.WiFi.SSID.1.SSID', value: 'home', type: 'string' }], T0 + 1);
        await devices().setTags(facts.id, ['lab'], []);
        const { created, device } = await devices().applyInform({
          ...facts,
          at: T0 + 10_000,
          eventCodes: ['0 BOOTSTRAP', '1 BOOT'],
          parameters: [{ path: 'Device.DeviceInfo.SoftwareVersion', value: '2.0.0', type: 'string' }],
        });
        expect(created).toBe(false);
        expect(device).toMatchObject({ tags: ['lab'], registeredAt: T0, lastBootstrap: T0 + 10_000, lastBoot: T0 + 10_000, softwareVersion: '2.0.0' });
        expect(await devices().get(facts.id)).toEqual({
          ...device,
          parameters: { 'Device.DeviceInfo.SoftwareVersion': { value: '2.0.0', type: 'string', learnedAt: T0 + 10_000 } },
        });
      });

      it('keeps the 20 latest Informs newest first, and records a redelivered Inform once', async () => {
        const facts = sampleInform();
        // Past twice the cap, so the stored list has been trimmed on the way.
        const informs = 45;
        for (let i = 0; i < informs; i++) await devices().applyInform({ ...facts, at: T0 + i * 1000, eventCodes: [i % 5 === 0 ? '1 BOOT' : '2 PERIODIC'], parameters: [] });
        const redelivered = await devices().applyInform({ ...facts, at: T0 + (informs - 1) * 1000, eventCodes: ['2 PERIODIC'], parameters: [] });
        const device = (await devices().get(facts.id))!;
        expect(redelivered.device.recentEvents).toEqual(device.recentEvents);
        expect(device.recentEvents).toHaveLength(20);
        expect(device.recentEvents.map((e) => e.at)).toEqual(Array.from({ length: 20 }, (_, i) => T0 + (informs - 1 - i) * 1000));
        expect(device.recentEvents[4]).toEqual({ at: T0 + 40_000, codes: ['1 BOOT'] });
        expect(device.lastBoot).toBe(T0 + 40_000);
      });

      itConcurrent('applies concurrent Informs of one device without losing an event', async () => {
        const facts = sampleInform({ parameters: [] });
        await devices().applyInform(facts);
        await Promise.all([1, 2, 3].map((i) => devices().applyInform({ ...facts, at: T0 + i, parameters: [] })));
        const device = (await devices().get(facts.id))!;
        expect(device.recentEvents.map((e) => e.at).sort()).toEqual([T0, T0 + 1, T0 + 2, T0 + 3]);
      });

      it('creates a device once when its first Informs race', async () => {
        const facts = sampleInform({ parameters: [] });
        const results = await Promise.all([facts, { ...facts, at: T0 + 1 }].map((f) => devices().applyInform(f)));
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect((await devices().get(facts.id))!.recentEvents).toHaveLength(2);
      });
    });

    describe('parameters', () => {
      async function informed(): Promise<string> {
        const facts = sampleInform();
        await devices().applyInform(facts);
        return facts.id;
      }

      it('merges targeted updates: fields an update leaves out keep their value', async () => {
        const id = await informed();
        await devices().setParameters(
          id,
          [
            { path: 'Device.IP.Interface.1', object: true, writable: true },
            { path: 'Device.IP.Interface.1.Enable', value: true, type: 'boolean', writable: true },
            { path: 'Device.IP.Interface.1.Name', value: 'wan', type: 'string', writable: false },
          ],
          T0 + 1,
        );
        await devices().setParameters(id, [{ path: 'Device.IP.Interface.1.Enable', value: false }, { path: 'Device.IP.Interface.1.Name', writable: true }], T0 + 2);
        const { parameters } = (await devices().get(id))!;
        expect(parameters['Device.IP.Interface.1']).toEqual({ object: true, writable: true, learnedAt: T0 + 1 });
        expect(parameters['Device.IP.Interface.1.Enable']).toEqual({ value: false, type: 'boolean', writable: true, learnedAt: T0 + 2 });
        expect(parameters['Device.IP.Interface.1.Name']).toEqual({ value: 'wan', type: 'string', writable: true, learnedAt: T0 + 2 });
        expect(parameters['Device.DeviceInfo.SoftwareVersion'].value).toBe('1.0.0');
      });

      it('accepts CWMP object notation (trailing dot) and folds repeated paths of one batch', async () => {
        const id = await informed();
        await devices().setParameters(id, [{ path: 'Device.Hosts.', object: true }, { path: 'Device.Hosts', writable: false }], T0 + 1);
        expect((await devices().get(id))!.parameters['Device.Hosts']).toEqual({ object: true, writable: false, learnedAt: T0 + 1 });
      });

      it('mirrors promoted parameters into device fields', async () => {
        const id = await informed();
        await devices().setParameters(
          id,
          [
            { path: 'Device.DeviceInfo.SoftwareVersion', value: '3.0' },
            { path: 'Device.ManagementServer.ConnectionRequestURL', value: 'http://[2001:db8::1]:7547/' },
          ],
          T0 + 1,
        );
        expect(await devices().get(id)).toMatchObject({ softwareVersion: '3.0', connectionRequestUrl: 'http://[2001:db8::1]:7547/', ip: '2001:db8::1' });
      });

      it('keeps PeriodicInformInterval as a number of seconds, whether reported as a number or as text, ignoring nonsense', async () => {
        const id = await informed();
        await devices().setParameters(id, [{ path: 'InternetGatewayDevice.ManagementServer.PeriodicInformInterval', value: '86400', type: 'string' }], T0 + 1);
        expect((await devices().get(id))?.periodicInformInterval).toBe(86_400);
        await devices().setParameters(id, [{ path: 'Device.ManagementServer.PeriodicInformInterval', value: 300, type: 'unsignedInt' }], T0 + 2);
        expect((await devices().get(id))?.periodicInformInterval).toBe(300);
        await devices().setParameters(id, [{ path: 'Device.ManagementServer.PeriodicInformInterval', value: 'soon', type: 'string' }], T0 + 3);
        expect((await devices().get(id))?.periodicInformInterval).toBe(300);
        const listed = await devices().query({ filter: { periodicInformInterval: { $gte: 300 } }, projection: ['periodicInformInterval'], skip: 0, limit: 10 });
        expect(listed.items).toEqual([expect.objectContaining({ id, periodicInformInterval: 300 })]);
      });

      it.each(['Device..Name', 'Device.$where', 'Device.X.$set', '', '.Device', 'Device.Na me', 'Device._v', 'Device.IP.__proto__', 'Device.constructor.x', 'Device.IP.Interface.[wan]', 'Device._private'])(
        'refuses the path %j',
        async (path) => {
          const id = await informed();
          await expect(devices().setParameters(id, [{ path, value: 'x' }], T0)).rejects.toBeInstanceOf(InvalidParameterPathError);
        },
      );

      it('fails on an unknown device', async () => {
        await expect(devices().setParameters('nobody', [{ path: 'Device.X', value: 1 }], T0)).rejects.toBeInstanceOf(DeviceNotFoundError);
        await expect(devices().replaceSubtree('nobody', 'Device.X', [], T0)).rejects.toBeInstanceOf(DeviceNotFoundError);
        await expect(devices().deleteSubtree('nobody', 'Device.X')).rejects.toBeInstanceOf(DeviceNotFoundError);
        await expect(devices().setTags('nobody', ['a'], [])).rejects.toBeInstanceOf(DeviceNotFoundError);
      });

      const interfaces: ParameterUpdate[] = [
        { path: 'Device.IP.Interface', object: true, writable: true },
        { path: 'Device.IP.Interface.1', object: true, writable: true },
        { path: 'Device.IP.Interface.1.Enable', value: true, type: 'boolean', writable: true },
        { path: 'Device.IP.Interface.1.IPv4Address.1.IPAddress', value: '10.0.0.1', type: 'string', writable: true },
        { path: 'Device.IP.Interface.2', object: true, writable: true },
        { path: 'Device.IP.Interface.2.Enable', value: false, type: 'boolean', writable: true },
        { path: 'Device.IP.InterfaceNumberOfEntries', value: 2, type: 'unsignedInt', writable: false },
      ];

      it('replaces a subtree: keeps what the refresh listed (and its known values), drops the rest, adds the new', async () => {
        const id = await informed();
        await devices().setParameters(id, interfaces, T0 + 1);
        await devices().replaceSubtree(
          id,
          'Device.IP.Interface.',
          [
            { path: 'Device.IP.Interface.1', object: true, writable: true },
            { path: 'Device.IP.Interface.1.Enable', writable: true },
            { path: 'Device.IP.Interface.3', object: true, writable: true },
            { path: 'Device.IP.Interface.3.Enable', writable: true },
          ],
          T0 + 2,
        );
        const { parameters } = (await devices().get(id))!;
        const ip = Object.keys(parameters).filter((p) => p.startsWith('Device.IP.')).sort();
        expect(ip).toEqual([
          'Device.IP.Interface',
          'Device.IP.Interface.1',
          'Device.IP.Interface.1.Enable',
          'Device.IP.Interface.3',
          'Device.IP.Interface.3.Enable',
          'Device.IP.InterfaceNumberOfEntries',
        ]);
        expect(parameters['Device.IP.Interface.1.Enable']).toEqual({ value: true, type: 'boolean', writable: true, learnedAt: T0 + 2 });
        expect(parameters['Device.IP.Interface']).toEqual({ object: true, writable: true, learnedAt: T0 + 1 });
        expect(parameters['Device.DeviceInfo.SoftwareVersion'].value).toBe('1.0.0');
      });

      it('refuses subtree updates outside the subtree', async () => {
        const id = await informed();
        await expect(devices().replaceSubtree(id, 'Device.IP.Interface', [{ path: 'Device.IP.InterfaceNumberOfEntries', value: 1 }], T0)).rejects.toBeInstanceOf(
          InvalidParameterPathError,
        );
      });

      it('deletes a subtree, leaving siblings whose names share its prefix', async () => {
        const id = await informed();
        await devices().setParameters(id, interfaces, T0 + 1);
        await devices().deleteSubtree(id, 'Device.IP.Interface.1.');
        await devices().deleteSubtree(id, 'Device.IP.Interface.9');
        const { parameters } = (await devices().get(id))!;
        expect(Object.keys(parameters).filter((p) => p.startsWith('Device.IP.')).sort()).toEqual([
          'Device.IP.Interface',
          'Device.IP.Interface.2',
          'Device.IP.Interface.2.Enable',
          'Device.IP.InterfaceNumberOfEntries',
        ]);
      });
    });

    describe('tags', () => {
      it('adds and removes tags, each at most once; a tag both added and removed ends removed', async () => {
        const facts = sampleInform();
        await devices().applyInform(facts);
        expect(await devices().setTags(facts.id, ['lab', 'fiber', 'lab'], [])).toEqual(['lab', 'fiber']);
        expect(await devices().setTags(facts.id, ['fiber', 'vip'], ['lab', 'absent'])).toEqual(['fiber', 'vip']);
        expect(await devices().setTags(facts.id, ['x'], ['x', 'vip'])).toEqual(['fiber']);
        expect(await devices().setTags(facts.id, [], [])).toEqual(['fiber']);
        expect((await devices().get(facts.id))!.tags).toEqual(['fiber']);
        await expect(devices().setTags(facts.id, [''], [])).rejects.toBeInstanceOf(InvalidQueryError);
      });
    });

    describe('query', () => {
      async function fleet(): Promise<string[]> {
        const ids: string[] = [];
        for (let i = 0; i < 6; i++) {
          const facts = sampleInform({
            serialNumber: `Q${i}`,
            productClass: i < 4 ? 'EX220' : 'HG8145',
            at: T0 + i * 1000,
            parameters: [
              { path: 'Device.DeviceInfo.SoftwareVersion', value: i % 2 === 0 ? '1.0.0' : '1.1.0', type: 'string' },
              { path: 'Device.DeviceInfo.ModelName', value: `Model-${i}`, type: 'string' },
              { path: 'Device.DeviceInfo.UpTime', value: 100 * (6 - i), type: 'unsignedInt' },
              { path: 'Device.WiFi.SSID.1.SSID', value: `ssid-${i}`, type: 'string' },
            ],
          });
          ids.push((await devices().applyInform(facts)).device.id);
          if (i < 3) await devices().setTags(facts.id, ['lab'], []);
        }
        return ids;
      }

      it('filters on device fields, tags and parameter values in the stored shape', async () => {
        const ids = await fleet();
        const idsOf = async (filter: Record<string, unknown>) =>
          (await devices().query({ filter, projection: [], skip: 0, limit: 100 })).items.map((d) => d.id).sort();
        expect(await idsOf({ productClass: 'HG8145' })).toEqual([ids[4], ids[5]].sort());
        expect(await idsOf({ tags: 'lab' })).toEqual(ids.slice(0, 3).sort());
        expect(await idsOf({ 'p.Device.DeviceInfo.SoftwareVersion._v': '1.1.0' })).toEqual([ids[1], ids[3], ids[5]].sort());
        expect(await idsOf({ 'p.Device.DeviceInfo.UpTime._v': { $lt: 300 } })).toEqual([ids[4], ids[5]].sort());
        expect(await idsOf({ $or: [{ serialNumber: { $in: ['Q0', 'Q5'] } }, { 'p.Device.DeviceInfo.ModelName._v': { $regex: /-2$/ } }] })).toEqual(
          [ids[0], ids[2], ids[5]].sort(),
        );
        // MongoDB's meaning on arrays: $ne/$nin match when NO element equals (an empty tags array included).
        expect(await idsOf({ tags: { $ne: 'lab' } })).toEqual(ids.slice(3).sort());
        expect(await idsOf({ $nor: [{ tags: 'lab' }, { productClass: 'HG8145' }] })).toEqual([ids[3]]);
        expect(await idsOf({ tags: { $nin: ['lab', 'vip'] }, lastInform: { $gte: T0 + 4000 } })).toEqual([ids[4], ids[5]].sort());
        expect(await idsOf({ 'p.Device.DeviceInfo.UpTime._v': { $not: { $gte: 200 } } })).toEqual([ids[5]]);
        expect(await idsOf({ 'p.Device.DeviceInfo.ModelName._v': { $regex: '^model-[01]$', $options: 'i' } })).toEqual([ids[0], ids[1]].sort());
        await expect(devices().count({ $where: 'sleep(1000) || true' })).rejects.toBeInstanceOf(InvalidQueryError);
        await expect(devices().count({ $or: [{ x: { $expr: {} } }] })).rejects.toBeInstanceOf(InvalidQueryError);
        expect(await idsOf({ 'p.Device.WiFi.SSID.1.SSID._v': { $exists: true }, 'p.Device.Nothing': { $exists: false } })).toEqual([...ids].sort());
        expect(await devices().count({ productClass: 'EX220' })).toBe(4);
        expect(await devices().count({})).toBe(6);
      });

      it('projects device fields and parameter subtrees', async () => {
        const ids = await fleet();
        const { items } = await devices().query({
          filter: { _id: ids[1] },
          projection: ['serialNumber', 'tags', 'Device.DeviceInfo', 'Device.DeviceInfo.ModelName', 'Device.WiFi.SSID.1.SSID'],
          skip: 0,
          limit: 10,
        });
        expect(items).toHaveLength(1);
        const device = items[0];
        expect(device.id).toBe(ids[1]);
        expect(device.serialNumber).toBe('Q1');
        expect(device.tags).toEqual(['lab']);
        expect(device.productClass).toBeUndefined();
        expect(device.recentEvents).toBeUndefined();
        expect(Object.keys(device.parameters!).sort()).toEqual([
          'Device.DeviceInfo.ModelName',
          'Device.DeviceInfo.SoftwareVersion',
          'Device.DeviceInfo.UpTime',
          'Device.WiFi.SSID.1.SSID',
        ]);
        const whole = await devices().query({ filter: { _id: ids[1] }, skip: 0, limit: 1 });
        expect(whole.items[0]).toEqual(await devices().get(ids[1]));
      });

      it('sorts by fields and parameter values, pages stably and counts the total', async () => {
        const ids = await fleet();
        const page = (skip: number, limit: number, sort: Array<[string, 1 | -1]>) =>
          devices().query({ filter: { oui: '00259E' }, projection: ['lastInform'], sort, skip, limit });
        const first = await page(0, 4, [['lastInform', -1]]);
        expect(first.total).toBe(6);
        expect(first.items.map((d) => d.id)).toEqual([ids[5], ids[4], ids[3], ids[2]]);
        const second = await page(4, 4, [['lastInform', -1]]);
        expect(second.items.map((d) => d.id)).toEqual([ids[1], ids[0]]);
        const byUpTime = await page(0, 6, [['Device.DeviceInfo.UpTime', 1]]);
        expect(byUpTime.items.map((d) => d.id)).toEqual([...ids].reverse());
        // Equal sort keys: the id breaks the tie, so pages never overlap.
        const bySoftware = await page(0, 6, [['softwareVersion', 1]]);
        expect(bySoftware.items.map((d) => d.id)).toEqual([ids[0], ids[2], ids[4], ids[1], ids[3], ids[5]]);
        const totalOnly = await page(0, 0, []);
        expect(totalOnly).toEqual({ items: [], total: 6 });
      });

      it('finds pages without counting, in id order after an id (keyset), with or without a filter', async () => {
        const ids = [...(await fleet())].sort();
        const walk = async (filter: Record<string, unknown>, limit: number) => {
          const seen: string[] = [];
          let afterId: string | undefined;
          for (;;) {
            const page = await devices().find({ filter, projection: [], skip: 0, limit, ...(afterId !== undefined ? { afterId } : {}) });
            seen.push(...page.map((d) => d.id));
            if (page.length < limit) return seen;
            afterId = page[page.length - 1].id;
          }
        };
        expect(await walk({}, 4)).toEqual(ids);
        expect(await walk({ 'p.Device.DeviceInfo.SoftwareVersion._v': '1.0.0' }, 2)).toEqual(ids.filter((id) => ['Q0', 'Q2', 'Q4'].some((serial) => id.endsWith(serial))));
        expect(await devices().find({ filter: { productClass: 'EX220' }, projection: [], skip: 0, limit: 10, afterId: ids[5] })).toEqual([]);
        await expect(devices().find({ filter: {}, skip: 0, limit: 2, sort: [['lastInform', -1]], afterId: ids[0] })).rejects.toBeInstanceOf(InvalidQueryError);
        await expect(devices().find({ filter: {}, skip: 1, limit: 2, afterId: ids[0] })).rejects.toBeInstanceOf(InvalidQueryError);
        await expect(devices().find({ filter: {}, skip: 0, limit: 2, sort: [['id', -1]], afterId: ids[0] })).rejects.toBeInstanceOf(InvalidQueryError);
      });

      it('refuses bad pages, sorts and projections before they reach the store', async () => {
        await expect(devices().query({ filter: {}, skip: -1, limit: 1 })).rejects.toBeInstanceOf(InvalidQueryError);
        await expect(devices().query({ filter: {}, skip: 0, limit: 1.5 })).rejects.toBeInstanceOf(InvalidQueryError);
        await expect(devices().query({ filter: {}, skip: 0, limit: 1, sort: [['lastInform', 2 as 1]] })).rejects.toBeInstanceOf(InvalidQueryError);
        await expect(devices().query({ filter: {}, skip: 0, limit: 1, projection: ['Device.$x'] })).rejects.toBeInstanceOf(InvalidParameterPathError);
      });
    });

    it('deletes a device', async () => {
      const facts = sampleInform();
      await devices().applyInform(facts);
      expect(await devices().delete(facts.id)).toBe(true);
      expect(await devices().delete(facts.id)).toBe(false);
      expect(await devices().get(facts.id)).toBeNull();
      expect(await devices().count({})).toBe(0);
    });

    const describeDump = sharedMaterialPresent() ? describe : describe.skip;
    if (!sharedMaterialPresent()) {
      console.warn(`DeviceRepository contract: TP-Link dump tests skipped: ${TPLINK_EX220_DUMP} not found (../shared absent)`);
    }
    describeDump('TP-Link EX220 dump (5,200 parameters)', () => {
      it('round-trips a full refresh of the tree, then a bootstrap clears it', async () => {
        const dump = readDeviceModelCsv(TPLINK_EX220_DUMP);
        expect(dump.length).toBeGreaterThan(5000);
        const facts = sampleInform({ eventCodes: ['0 BOOTSTRAP', '1 BOOT'] });
        await devices().applyInform(facts);
        await devices().replaceSubtree(facts.id, 'Device', dump, T0 + 1);

        const device = (await devices().get(facts.id))!;
        expect(device.parameters).toEqual(expectedTree(dump, T0 + 1));
        expect(device.parameters['Device.DeviceInfo.SoftwareVersion'].value).toBe(dump.find((u) => u.path === 'Device.DeviceInfo.SoftwareVersion')!.value);

        const projected = await devices().query({ filter: { _id: facts.id }, projection: ['Device.DeviceInfo'], skip: 0, limit: 1 });
        const deviceInfo = Object.keys(projected.items[0].parameters!);
        expect(deviceInfo.length).toBeGreaterThan(10);
        expect(deviceInfo.every((path) => path === 'Device.DeviceInfo' || path.startsWith('Device.DeviceInfo.'))).toBe(true);

        await devices().applyInform({ ...facts, at: T0 + 2, eventCodes: ['0 BOOTSTRAP'] });
        expect(Object.keys((await devices().get(facts.id))!.parameters)).toHaveLength(facts.parameters.length);
      });
    });
  });
}

/** What the tree holds after a full refresh with `updates`: each path once, learnedAt `at`. */
function expectedTree(updates: readonly ParameterUpdate[], at: number): DeviceRecord['parameters'] {
  const tree: DeviceRecord['parameters'] = {};
  for (const { path, ...fields } of updates) tree[path.replace(/\.$/, '')] = { ...tree[path], ...fields, learnedAt: at };
  return tree;
}
