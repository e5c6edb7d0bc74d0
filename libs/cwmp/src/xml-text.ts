// XML text escaping and entity decoding. fast-xml-parser runs with entity processing off (its decoder expands
// numeric references only together with the HTML entity set, which XML does not have), so the codec decodes the
// five predefined entities and numeric character references itself. Anything else that looks like an entity is
// kept literally: a custom entity is never expanded, and a bare `&` from sloppy firmware survives as text.

const ENTITY = /&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g;

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function replaceEntity(match: string, body: string): string {
  if (body.charCodeAt(0) !== 35 /* # */) return PREDEFINED[body] ?? match;
  const cp = body.charCodeAt(1) === 120 /* x */ ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
  // A reference to a character XML forbids (NUL, a lone surrogate…) stays literal rather than failing the message.
  return isXmlChar(cp) ? String.fromCodePoint(cp) : match;
}

export function decodeXmlEntities(text: string): string {
  return text.indexOf('&') === -1 ? text : text.replace(ENTITY, replaceEntity);
}

const NEEDS_ESCAPE = /[&<>"'\r]/;
const ESCAPED = /[&<>"'\r]/g;
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A literal CR would be normalised to LF by the receiving parser; the reference keeps it.
  '\r': '&#13;',
};

/** Escapes text for element content and attribute values alike. */
export function escapeXml(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, (c) => ESCAPES[c]!) : text;
}
