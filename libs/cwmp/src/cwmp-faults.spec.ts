import { FaultCode, cwmpFault, faultString, isTransientFault, soapFaultCodeOf } from './cwmp-faults';

describe('faults', () => {
  it('defines 8000–8006 and 9000–9032', () => {
    const codes = Object.values(FaultCode);
    expect(codes.filter((c) => c < 9000)).toEqual([8000, 8001, 8002, 8003, 8004, 8005, 8006]);
    expect(codes.filter((c) => c >= 9000)).toEqual(Array.from({ length: 33 }, (_, i) => 9000 + i));
  });

  it('gives the standard fault strings', () => {
    expect(faultString(8005)).toBe('Retry request');
    expect(faultString(8006)).toBe('ACS version incompatible with CPE');
    expect(faultString(9003)).toBe('Invalid arguments');
    expect(faultString(9008)).toBe('Attempt to set a non-writable parameter');
    expect(faultString(9032)).toBe('Invalid Deployment Unit Update – Version already exists');
    for (const code of Object.values(FaultCode)) expect(faultString(code)).not.toMatch(/^Fault /);
    expect(faultString(9850)).toBe('Vendor fault 9850');
    expect(faultString(1234)).toBe('Fault 1234');
  });

  it('sorts faults into transient and permanent', () => {
    for (const code of [9002, 9004, 9010, 9011, 9016, 9017, 9019, 8005]) expect(isTransientFault(code)).toBe(true);
    for (const code of [9000, 9001, 9003, 9005, 9006, 9007, 9008, 9012, 9013, 9022, 8003, 9850]) {
      expect(isTransientFault(code)).toBe(false);
    }
  });

  it('builds a CwmpFault with the right SOAP faultcode', () => {
    expect(cwmpFault(FaultCode.ACS_VERSION_INCOMPATIBLE)).toEqual({
      kind: 'Fault',
      soapFaultCode: 'Client',
      faultCode: 8006,
      faultString: 'ACS version incompatible with CPE',
      setParameterValuesFault: [],
    });
    expect(cwmpFault(8002, 'Redis unavailable')).toMatchObject({ soapFaultCode: 'Server', faultString: 'Redis unavailable' });
    const spv = [{ parameterName: 'Device.X', faultCode: 9007, faultString: 'Invalid parameter value' }];
    expect(cwmpFault(9003, undefined, spv).setParameterValuesFault).toBe(spv);
    expect(soapFaultCodeOf(9005)).toBe('Client');
    expect(soapFaultCodeOf(9002)).toBe('Server');
    expect(soapFaultCodeOf(9899)).toBe('Server');
  });
});
