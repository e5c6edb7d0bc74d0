import fc from 'fast-check';
import { CwmpParseError, type CwmpParseErrorCode } from './cwmp-parse-error';
import { buildEnvelope } from './envelope-builder';
import { parseEnvelope } from './envelope-parser';
import type { CwmpEnvelope } from './messages';
import { isXsdType } from './cwmp-values';
import { SUPPORTED_VERSIONS } from './cwmp-versions';
import { ALL_SAMPLES } from './test-support/sample-messages';

function codeOf(run: () => unknown): CwmpParseErrorCode {
  try {
    run();
  } catch (error) {
    if (error instanceof CwmpParseError) return error.code;
    throw error;
  }
  throw new Error('expected a CwmpParseError');
}

const SOAP_OPEN =
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap:Body>';
const SOAP_CLOSE = '</soap:Body></soap:Envelope>';

describe('hostile input', () => {
  it('rejects billion laughs before expanding anything', () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
      Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
      ']>' +
      `${SOAP_OPEN}<cwmp:Reboot><CommandKey>&lol9;</CommandKey></cwmp:Reboot>${SOAP_CLOSE}`;
    expect(codeOf(() => parseEnvelope(lol))).toBe('forbidden-dtd');
  });

  it('rejects an external entity (XXE)', () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
      `${SOAP_OPEN}<cwmp:Reboot><CommandKey>&xxe;</CommandKey></cwmp:Reboot>${SOAP_CLOSE}`;
    expect(codeOf(() => parseEnvelope(xxe))).toBe('forbidden-dtd');
  });

  it('rejects a DOCTYPE in any case and a stray ENTITY declaration', () => {
    expect(codeOf(() => parseEnvelope(`<!doctype x>${SOAP_OPEN}${SOAP_CLOSE}`))).toBe('forbidden-dtd');
    expect(codeOf(() => parseEnvelope(`<!ENTITY x "y">${SOAP_OPEN}${SOAP_CLOSE}`))).toBe('forbidden-dtd');
  });

  it('leaves an undeclared entity reference as text, never resolving it', () => {
    const xml = `${SOAP_OPEN}<cwmp:Reboot><CommandKey>&xxe;&lol9;</CommandKey></cwmp:Reboot>${SOAP_CLOSE}`;
    expect(parseEnvelope(xml)!.body).toEqual({ kind: 'Reboot', commandKey: '&xxe;&lol9;' });
  });

  it('rejects 10 000-deep nesting as too-deep', () => {
    const deep = `${SOAP_OPEN}<cwmp:Reboot>${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</cwmp:Reboot>${SOAP_CLOSE}`;
    expect(codeOf(() => parseEnvelope(deep))).toBe('too-deep');
    // Unclosed, too: the guard stops at the limit instead of walking on.
    expect(codeOf(() => parseEnvelope('<a>'.repeat(10_000)))).toBe('too-deep');
  });

  it('rejects 200 000 elements as too-many-elements', () => {
    const many = `${SOAP_OPEN}<cwmp:GetParameterValues><ParameterNames>${'<string>x</string>'.repeat(200_000)}</ParameterNames></cwmp:GetParameterValues>${SOAP_CLOSE}`;
    expect(many.length).toBeLessThan(4 * 1024 * 1024);
    expect(codeOf(() => parseEnvelope(many))).toBe('too-many-elements');
  });

  it('rejects a 100 MB message as too-large without reading it', () => {
    // A rope of 100 one-MiB pieces: V8 keeps it unflattened, so the test itself stays light.
    const mib = 'x'.repeat(1024 * 1024);
    let huge = SOAP_OPEN;
    for (let i = 0; i < 100; i++) huge += mib;
    expect(huge.length).toBeGreaterThan(100 * 1024 * 1024);
    expect(codeOf(() => parseEnvelope(huge))).toBe('too-large');
  });

  it('applies limits given by the caller', () => {
    const xml = buildEnvelope(ALL_SAMPLES.find((m) => m.kind === 'Inform')!, { id: '1' }, '1.0');
    expect(codeOf(() => parseEnvelope(xml, { maxBytes: 100 }))).toBe('too-large');
    expect(codeOf(() => parseEnvelope(xml, { maxDepth: 4 }))).toBe('too-deep');
    expect(codeOf(() => parseEnvelope(xml, { maxElements: 10 }))).toBe('too-many-elements');
    expect(parseEnvelope(xml, { maxDepth: 8 })).not.toBeNull();
  });

  it('rejects random bytes as malformed', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    for (let round = 0; round < 20; round++) {
      const text = Buffer.from(Array.from({ length: 2000 }, random)).toString('latin1');
      expect(['malformed', 'forbidden-dtd']).toContain(codeOf(() => parseEnvelope(text)));
    }
  });

  it('rejects input that is not a string as malformed', () => {
    expect(codeOf(() => parseEnvelope(undefined as unknown as string))).toBe('malformed');
    expect(codeOf(() => parseEnvelope(Buffer.from('<a/>') as unknown as string))).toBe('malformed');
  });

  it('rejects tag names that would pollute prototypes', () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      const xml = `${SOAP_OPEN}<cwmp:Reboot><${name}>x</${name}><CommandKey>k</CommandKey></cwmp:Reboot>${SOAP_CLOSE}`;
      let result: CwmpEnvelope | null | unknown;
      try {
        result = parseEnvelope(xml);
      } catch (error) {
        result = error;
      }
      if (result instanceof Error) expect(result).toBeInstanceOf(CwmpParseError);
      else expect((result as CwmpEnvelope).body).toEqual({ kind: 'Reboot', commandKey: 'k' });
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    }
  });
});

/** A structural check that a parse result is a well-formed envelope of the model. */
function assertValidEnvelope(envelope: CwmpEnvelope): void {
  expect(SUPPORTED_VERSIONS).toContain(envelope.version);
  expect(typeof envelope.body.kind).toBe('string');
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if ('type' in record && 'value' in record && typeof record.type === 'string') {
        expect(isXsdType(record.type)).toBe(true);
      }
      Object.values(record).forEach(visit);
    } else {
      expect(['string', 'number', 'boolean']).toContain(typeof value);
      if (typeof value === 'number') expect(Number.isNaN(value)).toBe(false);
    }
  };
  visit(envelope);
}

describe('property: mutated envelopes never escape as anything but CwmpParseError', () => {
  const validXml = fc
    .tuple(fc.constantFrom(...ALL_SAMPLES), fc.constantFrom(...SUPPORTED_VERSIONS))
    .map(([message, version]) => buildEnvelope(message, { id: 'p' }, version));

  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.oneof(
        fc.constantFrom(
          '<',
          '>',
          '</',
          '/>',
          '<a>',
          '</a>',
          '<x:y xmlns:x="urn:dslforum-org:cwmp-1-9">',
          '&',
          '&amp;',
          '&#x0;',
          '&#xD800;',
          '&lol;',
          '&#1114112;',
          '<![CDATA[',
          ']]>',
          '<!--',
          '-->',
          '<!DOCTYPE x [<!ENTITY a "b">]>',
          '<?pi x?>',
          '"',
          "'",
          '\u0000',
          '\ufeff',
          '<__proto__>',
          '<constructor/>',
          ' xsi:type="xsd:int"',
          ' xsi:type="xsd:boolean"',
        ),
        fc.string({ maxLength: 8 }),
      ),
    }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  );

  type Mutation = { kind: string; at: number; byte?: number; text?: string; length?: number };

  function mutate(xml: string, mutations: Mutation[]): string {
    let text = xml;
    for (const m of mutations) {
      const at = m.at % (text.length + 1);
      switch (m.kind) {
        case 'flip':
          text = text.slice(0, at) + String.fromCharCode(m.byte!) + text.slice(at + 1);
          break;
        case 'truncate':
          text = text.slice(0, at);
          break;
        case 'insert':
          text = text.slice(0, at) + m.text! + text.slice(at);
          break;
        case 'delete':
          text = text.slice(0, at) + text.slice(at + m.length!);
          break;
      }
    }
    return text;
  }

  it('returns a valid envelope or null, or throws CwmpParseError', () => {
    fc.assert(
      fc.property(validXml, fc.array(mutation, { minLength: 1, maxLength: 4 }), (xml, mutations) => {
        const text = mutate(xml, mutations);
        let result: CwmpEnvelope | null;
        try {
          result = parseEnvelope(text);
        } catch (error) {
          expect(error).toBeInstanceOf(CwmpParseError);
          return;
        }
        if (result !== null) assertValidEnvelope(result);
      }),
      { numRuns: 1500 },
    );
  });

  it('round-trips any string parameter value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom(...SUPPORTED_VERSIONS), (value, version) => {
        // XML trims nothing inside values we send, but the parser trims surrounding whitespace by design.
        const trimmed = value.trim();
        const message = {
          kind: 'SetParameterValues' as const,
          parameterList: [{ name: 'Device.X', value: { type: 'string' as const, value: trimmed } }],
          parameterKey: trimmed,
        };
        expect(parseEnvelope(buildEnvelope(message, { id: trimmed }, version))!.body).toEqual(message);
      }),
      { numRuns: 500 },
    );
  });
});
