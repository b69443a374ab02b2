import { io, type Socket } from 'socket.io-client';

/** Child process of the benchmark: opens N agent sockets to the server, reports when all are connected, holds them. */
async function main(): Promise<void> {
  const [url, token, count] = [process.argv[2], process.argv[3], Number(process.argv[4])];
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, () => {
        const s = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
        sockets.push(s);
        return new Promise<void>((resolve, reject) => (s.once('connect', () => resolve()), s.once('connect_error', reject)));
      }),
    );
  }
  process.stdout.write(`connected ${sockets.length}\n`);
  process.stdin.on('data', () => undefined);
  process.stdin.on('end', () => {
    sockets.forEach((s) => s.disconnect());
    process.exit(0);
  });
}

void main();
