import { XMLParser } from 'fast-xml-parser';
import { CwmpParseError } from './cwmp-parse-error';
import { soapFaultCodeOf } from './cwmp-faults';
import { CWMP_NAMESPACE_PREFIX, versionFromNamespace } from './cwmp-versions';
import type { CwmpEnvelope, CwmpFault, CwmpHeader, CwmpVersion, SetParameterValuesFaultStruct } from './messages';
import { messageCodecOf } from './rpc-codecs';
import { DEFAULT_XML_LIMITS, type XmlLimits, guardXml } from './xml-guard';
import {
  type XmlAttributes,
  type XmlNode,
  attributesOf,
  childrenOf,
  localName,
  prefixOf,
  tagOf,
  textOf,
} from './xml-node';

// Configured once: building the options object is a measurable part of a small parse.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Values stay strings: CWMP types come from the schema and xsi:type, not from what a value looks like.
  parseTagValue: false,
  parseAttributeValue: false,
  // Entities are decoded by the codec (predefined and numeric only); a DTD never gets this far.
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '__cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Not trimmed: a parameter value keeps its spaces (an SSID may end in one); structural fields trim themselves.
  trimValues: false,
  // The guard enforces the real depth limit before; this is a second fence.
  maxNestedTags: 64,
  jPath: false,
});

/** The defaults as they are when the caller passes no overrides (the common case): no object per call. */
function limitsOf(overrides: Partial<XmlLimits> | undefined): XmlLimits {
  return overrides === undefined ? DEFAULT_XML_LIMITS : { ...DEFAULT_XML_LIMITS, ...overrides };
}

interface Element {
  tag: string;
  children: XmlNode[];
  attributes: XmlAttributes | undefined;
}

function elementOf(node: XmlNode): Element | undefined {
  const tag = tagOf(node);
  return tag === undefined ? undefined : { tag, children: childrenOf(node, tag), attributes: attributesOf(node) };
}

function firstElement(nodes: XmlNode[]): Element | undefined {
  for (const node of nodes) {
    const element = elementOf(node);
    if (element !== undefined) return element;
  }
  return undefined;
}

function childByLocalName(parent: Element, name: string): Element | undefined {
  for (const node of parent.children) {
    const tag = tagOf(node);
    if (tag !== undefined && localName(tag) === name) return elementOf(node);
  }
  return undefined;
}

/** Resolves an element's namespace through the declarations of the element and its ancestors (innermost first). */
function namespaceOf(tag: string, scopes: readonly Element[]): string | undefined {
  const prefix = prefixOf(tag);
  const declaration = prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
  for (const scope of scopes) {
    const uri = scope.attributes?.[declaration];
    if (uri !== undefined) return uri.trim();
  }
  return undefined;
}

/** Any cwmp namespace declared on these elements, for messages whose own element is not in it. */
function declaredCwmpNamespace(scopes: readonly Element[]): string | undefined {
  for (const scope of scopes) {
    const attributes = scope.attributes;
    if (attributes === undefined) continue;
    for (const key in attributes) {
      if (key.startsWith('xmlns') && attributes[key]!.trim().startsWith(CWMP_NAMESPACE_PREFIX)) {
        return attributes[key]!.trim();
      }
    }
  }
  return undefined;
}

function versionOf(namespace: string | undefined): CwmpVersion {
  if (namespace === undefined) throw new CwmpParseError('bad-namespace', 'no cwmp namespace is declared');
  const version = versionFromNamespace(namespace);
  if (version === null) {
    throw new CwmpParseError('bad-namespace', `unknown cwmp namespace "${namespace.slice(0, 100)}"`);
  }
  return version;
}

function readBooleanHeader(text: string): boolean {
  const t = text.trim().toLowerCase();
  return t === '1' || t === 'true';
}

function readHeader(header: Element | undefined): CwmpHeader {
  const result: CwmpHeader = {};
  if (header === undefined) return result;
  for (const node of header.children) {
    const tag = tagOf(node);
    if (tag === undefined) continue;
    const children = childrenOf(node, tag);
    // Header entries in any order; unknown ones (vendor extensions) are ignored even with mustUnderstand.
    switch (localName(tag)) {
      case 'ID':
        result.id = textOf(children);
        break;
      case 'HoldRequests':
        result.holdRequests = readBooleanHeader(textOf(children));
        break;
      case 'NoMoreRequests':
        result.noMoreRequests = readBooleanHeader(textOf(children));
        break;
      case 'SessionTimeout': {
        const seconds = Number.parseInt(textOf(children).trim(), 10);
        if (Number.isFinite(seconds) && seconds >= 0) result.sessionTimeout = seconds;
        break;
      }
      case 'SupportedCWMPVersions':
        result.supportedCWMPVersions = textOf(children).trim();
        break;
      case 'UseCWMPVersion':
        result.useCWMPVersion = textOf(children).trim();
        break;
    }
  }
  return result;
}

function readFaultCode(element: Element | undefined, what: string): number {
  const text = element === undefined ? '' : textOf(element.children).trim();
  if (!/^\d+$/.test(text)) {
    throw new CwmpParseError('invalid-value', `${what} should be a fault code, got "${text.slice(0, 64)}"`);
  }
  return Number(text);
}

function readSoapFault(fault: Element, scopes: readonly Element[]): { version: CwmpVersion; message: CwmpFault } {
  const detail = childByLocalName(fault, 'detail');
  const cwmpFault = detail === undefined ? undefined : childByLocalName(detail, 'Fault');
  if (cwmpFault === undefined) throw new CwmpParseError('malformed', 'SOAP Fault without a detail/cwmp:Fault');
  const faultScopes = [cwmpFault, detail!, fault, ...scopes];
  let namespace = namespaceOf(cwmpFault.tag, faultScopes);
  if (namespace === undefined || !namespace.startsWith(CWMP_NAMESPACE_PREFIX)) {
    namespace = declaredCwmpNamespace(faultScopes);
  }
  const version = versionOf(namespace);

  const faultCode = readFaultCode(childByLocalName(cwmpFault, 'FaultCode'), 'FaultCode');
  const faultStringElement = childByLocalName(cwmpFault, 'FaultString');
  const setParameterValuesFault: SetParameterValuesFaultStruct[] = [];
  for (const node of cwmpFault.children) {
    const element = elementOf(node);
    if (element === undefined || localName(element.tag) !== 'SetParameterValuesFault') continue;
    const name = childByLocalName(element, 'ParameterName');
    const text = childByLocalName(element, 'FaultString');
    setParameterValuesFault.push({
      parameterName: name === undefined ? '' : textOf(name.children).trim(),
      faultCode: readFaultCode(childByLocalName(element, 'FaultCode'), 'SetParameterValuesFault/FaultCode'),
      faultString: text === undefined ? '' : textOf(text.children),
    });
  }
  const soapCodeElement = childByLocalName(fault, 'faultcode');
  const soapCode = soapCodeElement === undefined ? '' : localName(textOf(soapCodeElement.children).trim());
  return {
    version,
    message: {
      kind: 'Fault',
      soapFaultCode: soapCode === 'Client' || soapCode === 'Server' ? soapCode : soapFaultCodeOf(faultCode),
      faultCode,
      faultString: faultStringElement === undefined ? '' : textOf(faultStringElement.children),
      setParameterValuesFault,
    },
  };
}

function readEnvelope(xml: string, limits: XmlLimits): CwmpEnvelope | null {
  guardXml(xml, limits);
  let document: XmlNode[];
  try {
    document = parser.parse(xml) as XmlNode[];
  } catch (error) {
    throw new CwmpParseError('malformed', `XML parser: ${(error as Error).message}`.slice(0, 300));
  }
  const envelope = firstElement(document);
  if (envelope === undefined || localName(envelope.tag) !== 'Envelope') {
    throw new CwmpParseError('malformed', `document element is <${envelope?.tag.slice(0, 64)}>, not a SOAP Envelope`);
  }
  const body = childByLocalName(envelope, 'Body');
  if (body === undefined) throw new CwmpParseError('malformed', 'SOAP Envelope without a Body');
  const header = readHeader(childByLocalName(envelope, 'Header'));
  const rpc = firstElement(body.children);
  // An envelope with an empty Body is what some CPEs send instead of an empty POST.
  if (rpc === undefined) return null;

  const scopes = [rpc, body, envelope];
  const name = localName(rpc.tag);
  const namespace = namespaceOf(rpc.tag, scopes);
  if (name === 'Fault' && (namespace === undefined || !namespace.startsWith(CWMP_NAMESPACE_PREFIX))) {
    const { version, message } = readSoapFault(rpc, scopes);
    return { version, header, body: message };
  }
  let version: CwmpVersion;
  if (namespace !== undefined && namespace !== '') {
    if (!namespace.startsWith(CWMP_NAMESPACE_PREFIX)) {
      throw new CwmpParseError('bad-namespace', `<${name}> is in namespace "${namespace.slice(0, 100)}", not cwmp`);
    }
    version = versionOf(namespace);
  } else {
    // Unprefixed or with an undeclared prefix: tolerated when the envelope declares a cwmp namespace.
    version = versionOf(declaredCwmpNamespace(scopes));
  }
  const codec = messageCodecOf(name);
  if (codec === undefined) {
    throw new CwmpParseError('unknown-rpc', `unknown RPC <${name.slice(0, 64)}>`, name.slice(0, 64));
  }
  return { version, header, body: codec.read(rpc.children, rpc.attributes, name) };
}

/**
 * Parses a CWMP SOAP envelope, in either direction. Returns null for an empty body (the CPE's empty POST, or an
 * Envelope whose Body is empty). Throws CwmpParseError, and nothing else, for anything it cannot accept.
 */
export function parseEnvelope(xml: string, limits?: Partial<XmlLimits>): CwmpEnvelope | null {
  try {
    if (typeof xml !== 'string') throw new CwmpParseError('malformed', 'the message is not text');
    const effective = limitsOf(limits);
    if (xml.length > effective.maxBytes) {
      throw new CwmpParseError('too-large', `XML of ${xml.length} characters exceeds the limit of ${effective.maxBytes}`);
    }
    let start = 0;
    if (xml.charCodeAt(0) === 0xfeff) start = 1;
    const text = start === 0 ? xml : xml.slice(start);
    if (text.trim() === '') return null;
    return readEnvelope(text, effective);
  } catch (error) {
    if (error instanceof CwmpParseError) throw error;
    // A failure of ours or of the XML library on input nobody foresaw: still a rejected message, not a crash.
    throw new CwmpParseError('malformed', `unreadable message: ${String((error as Error)?.message ?? error).slice(0, 200)}`);
  }
}
