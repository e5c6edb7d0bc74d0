import { sampleDevice } from '../filter/test-support/sample-devices';
import { TemplateError, compileTemplate, renderTemplate } from './template';

const device = sampleDevice({
  id: '00259E-HG8245-ABC123XYZ',
  oui: '00259E',
  productClass: 'HG8245',
  serialNumber: 'ABC123XYZ',
  manufacturer: 'Huawei',
  parameters: {
    'Device.DeviceInfo.ModelName': { learnedAt: 1, value: 'EchoLife' },
    'Device.DeviceInfo.UpTime': { learnedAt: 1, value: 42 },
    'Device.WiFi.SSID.1.Enable': { learnedAt: 1, value: true },
    'Device.DeviceInfo.Description': { learnedAt: 1 },
  },
});

function templateError(template: string): TemplateError {
  try {
    renderTemplate(template, device);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`"${template}" rendered`);
}

describe('renderTemplate', () => {
  it('fills device fields and known parameter values', () => {
    expect(renderTemplate('pppoe-{{serialNumber}}@isp', device)).toBe('pppoe-ABC123XYZ@isp');
    expect(renderTemplate('{{oui}}/{{productClass}}/{{manufacturer}}/{{id}}', device)).toBe('00259E/HG8245/Huawei/00259E-HG8245-ABC123XYZ');
    expect(renderTemplate('{{ param "Device.DeviceInfo.ModelName" }}-{{param "Device.DeviceInfo.UpTime"}}', device)).toBe('EchoLife-42');
    expect(renderTemplate('{{param "Device.WiFi.SSID.1.Enable"}}', device)).toBe('true');
  });

  it('has lower, upper and substr, nestable with parentheses', () => {
    expect(renderTemplate('{{lower serialNumber}}', device)).toBe('abc123xyz');
    expect(renderTemplate('{{upper (param "Device.DeviceInfo.ModelName")}}', device)).toBe('ECHOLIFE');
    expect(renderTemplate('{{substr serialNumber 0 6}}', device)).toBe('ABC123');
    expect(renderTemplate('{{substr serialNumber 6}}', device)).toBe('XYZ');
    expect(renderTemplate('wifi-{{lower (substr serialNumber 3 3)}}', device)).toBe('wifi-123');
    expect(renderTemplate('{{upper "x"}}', device)).toBe('X');
  });

  it('passes non-templates through unchanged, whatever their type', () => {
    expect(renderTemplate('plain {text}', device)).toBe('plain {text}');
    expect(renderTemplate(300, device)).toBe(300);
    expect(renderTemplate(false, device)).toBe(false);
  });

  it.each([
    ['{{serial}}', 'unknown-name'],
    ['{{shout serialNumber}}', 'unknown-helper'],
    ['{{lower}}', 'bad-arguments'],
    ['{{lower serialNumber oui}}', 'bad-arguments'],
    ['{{substr serialNumber -1}}', 'bad-arguments'],
    ['{{substr serialNumber "a"}}', 'bad-arguments'],
    ['{{param serialNumber}}', 'bad-arguments'],
    ['{{param "Device."}}', 'bad-arguments'],
    ['{{serialNumber', 'syntax'],
    ['{{oui}} a}}b', 'syntax'],
    ['{{}}', 'syntax'],
    ['{{lower (serialNumber}}', 'syntax'],
    ['{{"open}}', 'syntax'],
    ['{{serialNumber%}}', 'syntax'],
    ['{{lower lower}}', 'syntax'],
  ])('rejects %s (%s) without a device', (template, code) => {
    expect(() => compileTemplate(template)).toThrow(TemplateError);
    expect(templateError(template).code).toBe(code);
  });

  it('reports a value the device lacks as missing-value, naming it', () => {
    const unknownParam = templateError('{{param "Device.DeviceInfo.Description"}}');
    expect(unknownParam).toMatchObject({ code: 'missing-value', missing: 'Device.DeviceInfo.Description' });
    expect(templateError('{{param "Device.Nope.X"}}')).toMatchObject({ code: 'missing-value', missing: 'Device.Nope.X' });
    expect(templateError('{{softwareVersion}}')).toMatchObject({ code: 'missing-value', missing: 'softwareVersion' });
  });

  it('lists the parameters and fields a template reads', () => {
    const compiled = compileTemplate('{{lower serialNumber}}-{{param "Device.A.B"}}');
    expect(compiled.parameters).toEqual(['Device.A.B']);
    expect(compiled.fields).toEqual(['serialNumber']);
  });
});
