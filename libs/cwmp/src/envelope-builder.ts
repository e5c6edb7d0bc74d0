import {
  CWMP_NAMESPACES,
  SUPPORTED_VERSIONS,
  definesNoMoreRequests,
  definesSessionTimeout,
  definesVersionNegotiation,
} from './cwmp-versions';
import type { CwmpFault, CwmpHeader, CwmpMessage, CwmpVersion } from './messages';
import { MESSAGE_CODECS, type Codec } from './rpc-codecs';
import { escapeXml } from './xml-text';

// Strict in what we send: fixed prefixes declared once on the Envelope, schema element order, arrayType on every
// array, xsi:type on every Value, escaped text, and only the header entries the version's schema defines.
// Plain string building: the messages are small and regular, and it is several times faster than a generic
// object-to-XML builder on the hot path (InformResponse, GetParameterValues, SetParameterValues).

const ENVELOPE_OPEN: Readonly<Record<CwmpVersion, string>> = Object.fromEntries(
  SUPPORTED_VERSIONS.map((v) => [
    v,
    '<?xml version="1.0" encoding="UTF-8"?>' +
      '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"' +
      ' xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/"' +
      ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"' +
      ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' +
      ` xmlns:cwmp="${CWMP_NAMESPACES[v]}">`,
  ]),
) as Record<CwmpVersion, string>;

function buildHeader(header: CwmpHeader, version: CwmpVersion): string {
  let xml = '';
  if (header.id !== undefined) xml += `<cwmp:ID soap-env:mustUnderstand="1">${escapeXml(header.id)}</cwmp:ID>`;
  if (header.holdRequests !== undefined) {
    xml += `<cwmp:HoldRequests soap-env:mustUnderstand="1">${header.holdRequests ? 1 : 0}</cwmp:HoldRequests>`;
  }
  if (header.noMoreRequests !== undefined && definesNoMoreRequests(version)) {
    xml += `<cwmp:NoMoreRequests>${header.noMoreRequests ? 1 : 0}</cwmp:NoMoreRequests>`;
  }
  if (header.sessionTimeout !== undefined && definesSessionTimeout(version)) {
    xml += `<cwmp:SessionTimeout soap-env:mustUnderstand="0">${Math.trunc(header.sessionTimeout)}</cwmp:SessionTimeout>`;
  }
  if (definesVersionNegotiation(version)) {
    if (header.supportedCWMPVersions !== undefined) {
      xml +=
        '<cwmp:SupportedCWMPVersions soap-env:mustUnderstand="0">' +
        `${escapeXml(header.supportedCWMPVersions)}</cwmp:SupportedCWMPVersions>`;
    }
    if (header.useCWMPVersion !== undefined) {
      xml += `<cwmp:UseCWMPVersion soap-env:mustUnderstand="1">${escapeXml(header.useCWMPVersion)}</cwmp:UseCWMPVersion>`;
    }
  }
  return xml === '' ? '' : `<soap-env:Header>${xml}</soap-env:Header>`;
}

function buildFault(fault: CwmpFault): string {
  let detail = `<FaultCode>${fault.faultCode}</FaultCode><FaultString>${escapeXml(fault.faultString)}</FaultString>`;
  for (const f of fault.setParameterValuesFault) {
    detail +=
      `<SetParameterValuesFault><ParameterName>${escapeXml(f.parameterName)}</ParameterName>` +
      `<FaultCode>${f.faultCode}</FaultCode><FaultString>${escapeXml(f.faultString)}</FaultString>` +
      '</SetParameterValuesFault>';
  }
  return (
    `<soap-env:Fault><faultcode>${fault.soapFaultCode}</faultcode><faultstring>CWMP fault</faultstring>` +
    `<detail><cwmp:Fault>${detail}</cwmp:Fault></detail></soap-env:Fault>`
  );
}

function buildBody(message: CwmpMessage): string {
  if (message.kind === 'Fault') return buildFault(message);
  const codec = MESSAGE_CODECS[message.kind] as Codec<CwmpMessage>;
  return codec.write(`cwmp:${message.kind}`, message);
}

/** Serialises one message in a SOAP envelope of the given version. */
export function buildEnvelope(message: CwmpMessage, header: CwmpHeader, version: CwmpVersion): string {
  return `${ENVELOPE_OPEN[version]}${buildHeader(header, version)}<soap-env:Body>${buildBody(message)}</soap-env:Body></soap-env:Envelope>`;
}
