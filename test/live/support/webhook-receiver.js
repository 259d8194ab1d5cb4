// Alertmanager's webhook receiver for the live tests: `node webhook-receiver.js <port> <file>`
// accepts POSTs on any path of 0.0.0.0:<port> and appends `{"path":…,"body":…}` as one JSON line
// per notification to <file>. Plain JavaScript: it runs inside a namespace without a hook.
'use strict';
const http = require('node:http');
const fs = require('node:fs');

const [port, file] = process.argv.slice(2);
http
  .createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      let parsed;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = { unparsable: body };
      }
      fs.appendFileSync(file, `${JSON.stringify({ path: req.url, body: parsed })}\n`);
      res.writeHead(200).end('ok');
    });
  })
  .listen(Number(port), '0.0.0.0', () => process.stdout.write(`webhook receiver on :${port} -> ${file}\n`));
