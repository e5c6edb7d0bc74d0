import { projectDocument } from './document-collection';

describe('projectDocument', () => {
  const doc = { _id: 'd', kind: 'router', tags: ['lab'], p: { Device: { DeviceInfo: { Uptime: { _v: 5 } }, WiFi: { _o: true } } } };

  it('keeps _id and the projected fields, top level or dotted, and nothing else', () => {
    expect(projectDocument(doc, ['kind', 'p.Device.DeviceInfo', 'missing', 'kind.deeper'])).toEqual({
      _id: 'd',
      kind: 'router',
      p: { Device: { DeviceInfo: { Uptime: { _v: 5 } } } },
    });
  });

  it('returns the document itself without a projection', () => {
    expect(projectDocument(doc, undefined)).toBe(doc);
    expect(projectDocument(doc, [])).toBe(doc);
  });
});
