// Publishes ports on 127.0.0.1 of the host it runs on, as Docker's docker-proxy does:
// `node forward.js 4317=10.231.7.2:4317 …` accepts on 127.0.0.1:4317 and pipes each
// connection to 10.231.7.2:4317. Plain JavaScript: it runs inside a namespace without a hook.
'use strict';
const net = require('node:net');

for (const spec of process.argv.slice(2)) {
  const [listen, target] = spec.split('=');
  const [host, port] = target.split(':');
  net
    .createServer((inbound) => {
      const outbound = net.connect(Number(port), host);
      inbound.pipe(outbound).pipe(inbound);
      const close = () => { inbound.destroy(); outbound.destroy(); };
      inbound.on('error', close);
      outbound.on('error', close);
    })
    .listen(Number(listen), '127.0.0.1', () => process.stdout.write(`published 127.0.0.1:${listen} -> ${target}\n`));
}
