// The baseline the gateway is measured against: a bare node:http server that parses the Inform with fast-xml-parser
// and answers an InformResponse, then 204 to the empty POST — no sessions, no auth, no events, no metrics.
'use strict';
const http = require('node:http');
const { XMLParser } = require('fast-xml-parser');

const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, processEntities: false });
const port = Number(process.argv[2] ?? 7600);
const response = (id) =>
  `<?xml version="1.0" encoding="UTF-8"?><soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">${id}</cwmp:ID></soap-env:Header><soap-env:Body><cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse></soap-env:Body></soap-env:Envelope>`;

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (body.length === 0) {
        res.writeHead(204);
        res.end();
        return;
      }
      const doc = parser.parse(body);
      const id = doc.Envelope?.Header?.ID?.['#text'] ?? doc.Envelope?.Header?.ID ?? '';
      const xml = response(id);
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Set-Cookie': 'bare=1', 'Content-Length': Buffer.byteLength(xml) });
      res.end(xml);
    });
  })
  .listen(port, '127.0.0.1', () => process.stdout.write(`bare server on ${port}\n`));
