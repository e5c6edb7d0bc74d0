import { decodeXmlEntities, escapeXml } from './xml-text';

describe('XML text', () => {
  it('escapes markup characters and CR', () => {
    expect(escapeXml(`a<b>&"c"'d'\r\n`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#13;\n');
    expect(escapeXml('plain')).toBe('plain');
    // Repeated calls must not be affected by regular expression state.
    expect(escapeXml('&')).toBe('&amp;');
    expect(escapeXml('&')).toBe('&amp;');
  });

  it('decodes predefined entities and character references only', () => {
    expect(decodeXmlEntities('&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1f600;')).toBe('<>&"\'AB😀');
    expect(decodeXmlEntities('&amp;lt;')).toBe('&lt;');
    expect(decodeXmlEntities('&nbsp;&custom;&#0;&#xD800;&#x110000;& ;&')).toBe('&nbsp;&custom;&#0;&#xD800;&#x110000;& ;&');
  });
});
