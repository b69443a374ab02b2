import { randomUUID } from 'node:crypto';

/**
 * Child process of the benchmark: N concurrent simulated customers posting real message activities with
 * deliveryMode expectReplies to /api/messages. Prints one JSON line with latencies (ms) and turns per second.
 * Arguments: url concurrency total [thinkMs].
 */
const TEXTS = ['where is my order 12345', 'what payment methods do you accept', 'hello', 'how long does shipping take', 'thanks', 'what is your refund policy'];

async function main(): Promise<void> {
  const [url, concurrency, total] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
  // Optional think time (mean, ms, exponentially distributed) between a reply and the customer's next message:
  // 0 is a closed loop at saturation; a second is a busy but human pace.
  const thinkMs = Number(process.argv[5] ?? 0);
  const think = () => (thinkMs > 0 ? new Promise((r) => setTimeout(r, -Math.log(1 - Math.random()) * thinkMs)) : Promise.resolve());
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, c) => {
      const conversation = { id: `bench-${process.pid}-${c}-${randomUUID().slice(0, 8)}` };
      const from = { id: `bench-user-${process.pid}-${c}`, name: `Bench ${c}` };
      for (let i = next++; i < total; i = next++) {
        await think();
        const body = JSON.stringify({
          type: 'message',
          id: randomUUID(),
          channelId: 'bench',
          serviceUrl: 'http://127.0.0.1:9',
          conversation,
          from,
          recipient: { id: 'bot' },
          text: TEXTS[i % TEXTS.length],
          locale: 'en-US',
          deliveryMode: 'expectReplies',
        });
        const t = process.hrtime.bigint();
        const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`${JSON.stringify({ latencies, seconds, failures })}\n`);
}

void main();
