// The floor of bench/http.ts: a bare node:http server answering one small fixed JSON body, so the
// cost of HTTP itself (sockets, parsing, the load generator on the same cores) shows on its own.
// Started by that benchmark as a child process; prints its address like Fastify does.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const BODY = JSON.stringify({ status: 'ok' });
const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(BODY)) };

const server = createServer((_request, response) => {
  response.writeHead(200, HEADERS);
  response.end(BODY);
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`Server listening at http://127.0.0.1:${port}`);
});
