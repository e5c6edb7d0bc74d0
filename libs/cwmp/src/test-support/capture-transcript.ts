// Splits a captured CWMP session transcript into the XML messages it holds. Transcripts found in the wild (packet
// dumps, articles) hold several envelopes one after the other, comment lines, and sometimes only the body element
// of a message without its envelope; a bare body element is wrapped in a minimal envelope of the given version's
// namespace so the codec can read it.

const MESSAGE_START = /(?=<(?:[A-Za-z_][\w.-]*:)?Envelope\b)/;

export function splitTranscript(transcript: string, bareBodyNamespace = 'urn:dslforum-org:cwmp-1-0'): string[] {
  // XML declarations are optional and would sit between two messages: drop them with the comments.
  const withoutComments = transcript.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?xml[^>]*\?>/g, '');
  const messages: string[] = [];
  for (const chunk of withoutComments.split(MESSAGE_START)) {
    const text = chunk.trim();
    if (text === '') continue;
    if (/<(?:[A-Za-z_][\w.-]*:)?Envelope\b/.test(text)) {
      messages.push(text);
    } else {
      messages.push(
        '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"' +
          ' xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/"' +
          ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' +
          ` xmlns:cwmp="${bareBodyNamespace}"><soap-env:Body>${text}</soap-env:Body></soap-env:Envelope>`,
      );
    }
  }
  return messages;
}
