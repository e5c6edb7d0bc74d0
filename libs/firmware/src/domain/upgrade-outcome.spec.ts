import { chooseImageRule, campaignIdOfTaskSource, campaignTaskSource } from './campaign';
import { outcomeOfDeviceReport, outcomeOfDownloadTask } from './upgrade-outcome';

describe('upgrade outcome rules', () => {
  const upgrade = { targetVersion: '2.0' };

  it('maps a Download task to a stage or a failure with the CPE fault', () => {
    expect(outcomeOfDownloadTask({ status: 'pending' })).toBeNull();
    expect(outcomeOfDownloadTask({ status: 'dispatched' })).toEqual({ kind: 'stage', stage: 'downloading' });
    expect(outcomeOfDownloadTask({ status: 'done' })).toEqual({ kind: 'stage', stage: 'awaiting-boot' });
    expect(outcomeOfDownloadTask({ status: 'faulted', fault: { code: '9010', message: 'Download failure' } })).toEqual({ kind: 'failed', error: { code: '9010', message: 'Download failure' } });
    expect(outcomeOfDownloadTask({ status: 'faulted', fault: { code: 'cr-unreachable', message: 'no answer' } })).toMatchObject({ error: { code: 'unreachable' } });
    expect(outcomeOfDownloadTask({ status: 'expired' })).toMatchObject({ kind: 'failed', error: { code: 'unreachable' } });
  });

  it('verifies on the target version whatever the stage, and fails a boot after the transfer on another', () => {
    expect(outcomeOfDeviceReport({ softwareVersion: '2.0' }, upgrade)).toEqual({ kind: 'succeeded' });
    expect(outcomeOfDeviceReport({ softwareVersion: '1.0', eventCodes: ['1 BOOT'] }, { ...upgrade, stage: 'downloading' })).toBeNull();
    expect(outcomeOfDeviceReport({ softwareVersion: '1.0', eventCodes: ['4 VALUE CHANGE'] }, { ...upgrade, stage: 'awaiting-boot' })).toBeNull();
    expect(outcomeOfDeviceReport({ softwareVersion: '1.0', eventCodes: ['1 BOOT'] }, { ...upgrade, stage: 'awaiting-boot' })).toMatchObject({ kind: 'failed', error: { code: 'wrong-version' } });
    expect(outcomeOfDeviceReport({ softwareVersion: '1.0', eventCodes: ['1 BOOT', '7 TRANSFER COMPLETE'] }, { ...upgrade, stage: 'queued' })).toMatchObject({ error: { code: 'wrong-version' } });
    expect(outcomeOfDeviceReport({ eventCodes: ['1 BOOT'] }, upgrade)).toBeNull();
  });

  it('chooses the first rule whose given fields match', () => {
    const device = { id: 'd', oui: 'O', productClass: 'GW', hardwareVersion: 'hw2', softwareVersion: '1.0' };
    const rules = [
      { productClass: 'GW', hardwareVersion: 'hw1', fileId: 'a' },
      { productClass: 'GW', fromVersions: ['0.9'], fileId: 'b' },
      { oui: 'O', fileId: 'c' },
    ];
    expect(chooseImageRule(rules, device)?.fileId).toBe('c');
    expect(chooseImageRule(rules.slice(0, 2), device)).toBeUndefined();
  });

  it('traces a task source back to its campaign', () => {
    expect(campaignIdOfTaskSource(campaignTaskSource('c-1'))).toBe('c-1');
    expect(campaignIdOfTaskSource('api:ops')).toBeNull();
    expect(campaignIdOfTaskSource('firmware:')).toBeNull();
  });
});
