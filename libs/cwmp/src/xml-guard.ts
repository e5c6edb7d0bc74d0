import { CwmpParseError } from './cwmp-parse-error';

export interface XmlLimits {
  /** Maximum length of the XML text, in UTF-16 code units (string length). */
  maxBytes: number;
  /** Maximum element nesting depth; a CWMP envelope needs about 8. */
  maxDepth: number;
  /** Maximum number of elements; a GetParameterValuesResponse of a whole TR-181 tree has ~30 000. */
  maxElements: number;
}

export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({
  maxBytes: 4 * 1024 * 1024,
  maxDepth: 32,
  maxElements: 100_000,
});

const LT = 60; // <
const GT = 62; // >
const DQUOTE = 34;
const SQUOTE = 39;
const SLASH = 47;
const QUESTION = 63;
const BANG = 33;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

// A name ends at whitespace, '/', '>' or the end of input; whatever else it holds, fast-xml-parser judges.
function nameEnd(xml: string, from: number): number {
  let i = from;
  for (; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (isSpace(c) || c === SLASH || c === GT) break;
  }
  return i;
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58 || c > 127;
}

function sameText(xml: string, a: number, b: number, length: number): boolean {
  for (let j = 0; j < length; j++) {
    if (xml.charCodeAt(a + j) !== xml.charCodeAt(b + j)) return false;
  }
  return true;
}

/** The index of the '>' closing a start tag, skipping quoted attribute values (they may hold '>'); -1 if none. */
function tagEnd(xml: string, from: number): number {
  const n = xml.length;
  let k = from;
  while (k < n) {
    const c = xml.charCodeAt(k);
    if (c === GT) return k;
    if (c === DQUOTE || c === SQUOTE) {
      const close = xml.indexOf(c === DQUOTE ? '"' : "'", k + 1);
      if (close === -1) return -1;
      k = close + 1;
    } else if (c === LT) {
      throw malformed(`'<' inside a tag at offset ${k}`);
    } else {
      k++;
    }
  }
  return -1;
}

function malformed(message: string): CwmpParseError {
  return new CwmpParseError('malformed', message);
}

function startsWithIgnoreCase(xml: string, at: number, word: string): boolean {
  return xml.substr(at, word.length).toUpperCase() === word;
}

/**
 * A linear pass over the document before fast-xml-parser sees it. It enforces the limits in bounded memory (a
 * 10 000-deep document fails at depth maxDepth + 1 without building anything), rejects DTDs, and checks what
 * fast-xml-parser does not: that every closing tag matches its opening tag, that the document is not truncated and
 * has one root element. fast-xml-parser silently accepts a mismatched or missing closing tag, which would turn a
 * truncated Inform into a valid-looking one with half its parameters.
 */
export function guardXml(xml: string, limits: XmlLimits): void {
  if (xml.length > limits.maxBytes) {
    throw new CwmpParseError('too-large', `XML of ${xml.length} characters exceeds the limit of ${limits.maxBytes}`);
  }
  // Start and length of each open element's name, so closing tags are compared without allocating strings. A
  // plain array grows with the actual depth, whatever maxDepth a caller passes.
  const openNames: number[] = [];
  let depth = 0;
  let elements = 0;
  let rootSeen = false;
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (depth === 0) {
      for (let k = i; k < textEnd; k++) {
        if (!isSpace(xml.charCodeAt(k))) throw malformed(`text outside the document element at offset ${k}`);
      }
    }
    if (lt === -1) break;
    const c1 = xml.charCodeAt(lt + 1);
    if (c1 === QUESTION) {
      const end = xml.indexOf('?>', lt + 2);
      if (end === -1) throw malformed('unterminated processing instruction');
      i = end + 2;
    } else if (c1 === BANG) {
      if (xml.startsWith('<!--', lt)) {
        const end = xml.indexOf('-->', lt + 4);
        if (end === -1) throw malformed('unterminated comment');
        i = end + 3;
      } else if (xml.startsWith('<![CDATA[', lt)) {
        if (depth === 0) throw malformed('CDATA outside the document element');
        const end = xml.indexOf(']]>', lt + 9);
        if (end === -1) throw malformed('unterminated CDATA section');
        i = end + 3;
      } else if (startsWithIgnoreCase(xml, lt + 2, 'DOCTYPE') || startsWithIgnoreCase(xml, lt + 2, 'ENTITY')) {
        throw new CwmpParseError('forbidden-dtd', 'DTDs and entity declarations are not accepted');
      } else {
        throw malformed(`unexpected markup at offset ${lt}`);
      }
    } else if (c1 === SLASH) {
      const nameStart = lt + 2;
      const end = nameEnd(xml, nameStart);
      let gt = end;
      while (gt < n && isSpace(xml.charCodeAt(gt))) gt++;
      if (gt >= n) throw malformed('document truncated inside a closing tag');
      if (xml.charCodeAt(gt) !== GT || end === nameStart) throw malformed(`malformed closing tag at offset ${lt}`);
      if (depth === 0) throw malformed(`closing tag without an opening tag at offset ${lt}`);
      depth--;
      const openStart = openNames[2 * depth]!;
      const openLength = openNames[2 * depth + 1]!;
      if (openLength !== end - nameStart || !sameText(xml, openStart, nameStart, openLength)) {
        throw malformed(
          `closing tag </${xml.substr(nameStart, Math.min(end - nameStart, 64))}> does not match ` +
            `<${xml.substr(openStart, Math.min(openLength, 64))}> at offset ${lt}`,
        );
      }
      i = gt + 1;
    } else {
      const nameStart = lt + 1;
      if (nameStart >= n || !isNameStart(c1)) throw malformed(`invalid tag at offset ${lt}`);
      const end = nameEnd(xml, nameStart);
      const gt = tagEnd(xml, end);
      if (gt === -1) throw malformed(`document truncated inside the tag at offset ${lt}`);
      if (depth === 0 && rootSeen) throw malformed(`more than one document element (offset ${lt})`);
      rootSeen = true;
      if (++elements > limits.maxElements) {
        throw new CwmpParseError('too-many-elements', `more than ${limits.maxElements} elements`);
      }
      if (xml.charCodeAt(gt - 1) !== SLASH) {
        if (depth === limits.maxDepth) {
          throw new CwmpParseError('too-deep', `elements nested deeper than ${limits.maxDepth}`);
        }
        openNames[2 * depth] = nameStart;
        openNames[2 * depth + 1] = end - nameStart;
        depth++;
      }
      i = gt + 1;
    }
  }
  if (depth > 0) {
    const openStart = openNames[2 * (depth - 1)]!;
    const openLength = openNames[2 * (depth - 1) + 1]!;
    throw malformed(`document truncated: <${xml.substr(openStart, Math.min(openLength, 64))}> is not closed`);
  }
  if (!rootSeen) throw malformed('no document element');
}
