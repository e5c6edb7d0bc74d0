import { decodeXmlEntities } from './xml-text';

// Access to fast-xml-parser's `preserveOrder` output without converting it. An element is `{ [tag]: children,
// ':@'?: attributes }`, text is `{ '#text': string }`, CDATA is `{ __cdata: [{ '#text': string }] }` (comments and
// processing instructions are dropped by the parser options). Reading it in place saves a second tree per message.

export type XmlNode = Record<string, unknown>;
export type XmlAttributes = Record<string, string>;

export const TEXT_KEY = '#text';
export const CDATA_KEY = '__cdata';
export const ATTRIBUTES_KEY = ':@';

/** The element's tag as written (`cwmp:Inform`), or undefined for text and CDATA nodes. */
export function tagOf(node: XmlNode): string | undefined {
  for (const key in node) {
    if (key === ATTRIBUTES_KEY) continue;
    return key === TEXT_KEY || key === CDATA_KEY ? undefined : key;
  }
  return undefined;
}

export function localName(tag: string): string {
  const colon = tag.indexOf(':');
  return colon === -1 ? tag : tag.slice(colon + 1);
}

export function prefixOf(tag: string): string {
  const colon = tag.indexOf(':');
  return colon === -1 ? '' : tag.slice(0, colon);
}

export function childrenOf(node: XmlNode, tag: string): XmlNode[] {
  return node[tag] as XmlNode[];
}

export function attributesOf(node: XmlNode): XmlAttributes | undefined {
  return node[ATTRIBUTES_KEY] as XmlAttributes | undefined;
}

/** An attribute by local name, whatever its prefix (devices use xsi:, xs:, or none). */
export function attributeByLocalName(attributes: XmlAttributes | undefined, name: string): string | undefined {
  if (attributes === undefined) return undefined;
  for (const key in attributes) {
    if (localName(key) === name && !key.startsWith('xmlns')) return attributes[key];
  }
  return undefined;
}

/** The text content of an element: text nodes entity-decoded, CDATA verbatim, child elements ignored. */
export function textOf(children: XmlNode[] | undefined): string {
  return withoutLayout(rawTextOf(children));
}

/**
 * Text is kept exactly (a value's leading or trailing spaces are data: an SSID may end in one), except whitespace
 * that spans a line break with nothing else: that is the indentation of a pretty-printed empty element.
 */
function withoutLayout(text: string): string {
  return text.length > 0 && (text.includes('\n') || text.includes('\r')) && text.trim() === '' ? '' : text;
}

function rawTextOf(children: XmlNode[] | undefined): string {
  if (children === undefined || children.length === 0) return '';
  if (children.length === 1) {
    const only = children[0]![TEXT_KEY];
    if (only !== undefined) return decodeXmlEntities(String(only));
  }
  let text = '';
  for (const child of children) {
    const t = child[TEXT_KEY];
    if (t !== undefined) {
      text += decodeXmlEntities(String(t));
      continue;
    }
    const cdata = child[CDATA_KEY] as XmlNode[] | undefined;
    if (cdata !== undefined) text += cdata.length > 0 ? String(cdata[0]![TEXT_KEY] ?? '') : '';
  }
  return text;
}
