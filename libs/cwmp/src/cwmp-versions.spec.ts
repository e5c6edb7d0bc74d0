import {
  CWMP_NAMESPACES,
  SUPPORTED_VERSIONS,
  negotiateVersion,
  parseSupportedVersions,
  versionFromNamespace,
} from './cwmp-versions';

describe('versions', () => {
  it('maps each namespace to its version, -1-3 and -1-4 included', () => {
    expect(versionFromNamespace('urn:dslforum-org:cwmp-1-0')).toBe('1.0');
    expect(versionFromNamespace('urn:dslforum-org:cwmp-1-1')).toBe('1.1');
    expect(versionFromNamespace('urn:dslforum-org:cwmp-1-2')).toBe('1.2');
    expect(versionFromNamespace(' urn:dslforum-org:cwmp-1-3 ')).toBe('1.3');
    expect(versionFromNamespace('urn:dslforum-org:cwmp-1-4')).toBe('1.4');
    expect(versionFromNamespace('urn:dslforum-org:cwmp-1-5')).toBeNull();
    expect(versionFromNamespace('urn:broadband-forum-org:cwmp-1-0')).toBeNull();
  });

  it('writes 1.3 and 1.4 in the cwmp-1-2 namespace, as their schemas declare', () => {
    expect(CWMP_NAMESPACES).toEqual({
      '1.0': 'urn:dslforum-org:cwmp-1-0',
      '1.1': 'urn:dslforum-org:cwmp-1-1',
      '1.2': 'urn:dslforum-org:cwmp-1-2',
      '1.3': 'urn:dslforum-org:cwmp-1-2',
      '1.4': 'urn:dslforum-org:cwmp-1-2',
    });
    expect(SUPPORTED_VERSIONS).toEqual(['1.0', '1.1', '1.2', '1.3', '1.4']);
  });

  it('parses SupportedCWMPVersions tolerantly', () => {
    expect(parseSupportedVersions(' 1.0, 1.4 ,9.9,,1.4')).toEqual(['1.0', '1.4']);
    expect(parseSupportedVersions(undefined)).toEqual([]);
  });

  describe('negotiateVersion', () => {
    it('picks the highest version both sides support when the CPE lists its versions', () => {
      expect(negotiateVersion('1.0,1.1,1.2,1.3,1.4', '1.2', SUPPORTED_VERSIONS)).toBe('1.4');
      expect(negotiateVersion('1.0,1.1,1.2,1.3,1.4', '1.2', ['1.0', '1.1', '1.2'])).toBe('1.2');
      expect(negotiateVersion('1.4, 1.2', '1.2', ['1.0', '1.2', '1.3'])).toBe('1.2');
    });

    it('answers null when the lists do not meet (fault 8006)', () => {
      expect(negotiateVersion('1.4', '1.2', ['1.0', '1.1'])).toBeNull();
    });

    it('uses the envelope version without SupportedCWMPVersions, if supported', () => {
      expect(negotiateVersion(undefined, '1.1', SUPPORTED_VERSIONS)).toBe('1.1');
      expect(negotiateVersion('', '1.2', SUPPORTED_VERSIONS)).toBe('1.2');
      expect(negotiateVersion('garbage', '1.0', SUPPORTED_VERSIONS)).toBe('1.0');
      expect(negotiateVersion(undefined, '1.0', ['1.2', '1.4'])).toBeNull();
    });
  });
});
