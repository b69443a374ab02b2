import { parseArgs } from 'node:util';
import { positiveNumber, runCli, UsageError } from '../core/cliArgs';
import { buildConversation, buildCustomer, buildMessage } from '../store/recordBuilders';
import type { Conversation, Customer, Message } from '../models/records';
import type { Store } from '../store/store';

/**
 * A synthetic but plausible support history for benchmarks and demos: customers with segments,
 * conversations on several channels over the last year, a quarter of them handed to agents with
 * waiting/handling times and ratings, and customer messages with intents (some not understood) and
 * sentiment. Deterministic for a seed. Text is our own phrase bank, not from any public data set.
 *
 *   npm run generate -- --db data/history.sqlite --conversations 100000 --messages 1000000
 */
export interface HistoryOptions {
  conversations: number;
  /** Total messages (about messages / conversations per conversation). */
  messages: number;
  seed?: number;
  /** Conversations spread over the days before this time. */
  end?: Date;
  days?: number;
  onProgress?: (done: number) => void;
}

const CHANNELS: [string, number][] = [
  ['webchat', 40],
  ['msteams', 20],
  ['facebook', 15],
  ['whatsapp', 15],
  ['slack', 10],
];
const REASONS: [string, number][] = [
  ['customer_asked', 45],
  ['not_understood', 25],
  ['negative_sentiment', 15],
  ['important_customer', 10],
  ['policy_intent', 5],
];
const NAMES = [
  'Ana',
  'Ben',
  'Chen',
  'Dara',
  'Emil',
  'Fatima',
  'Gus',
  'Hana',
  'Ivan',
  'Jo',
  'Kemal',
  'Lena',
  'Mateo',
  'Nia',
  'Omar',
  'Pia',
  'Quinn',
  'Rosa',
  'Sami',
  'Tess',
];
const SURNAMES = [
  'Alvarez',
  'Brown',
  'Costa',
  'Dubois',
  'Evans',
  'Fischer',
  'Garcia',
  'Hill',
  'Ito',
  'Jensen',
  'Khan',
  'Lopez',
  'Moreau',
  'Novak',
  'Okafor',
  'Park',
];
const PRODUCTS = [
  'blue umbrella',
  'purple kettle',
  'rain jacket',
  'running shoes',
  'desk lamp',
  'travel backpack',
  'wireless headphones',
  'coffee grinder',
  'yoga mat',
  'wool scarf',
];
/** intent → [templates, sentiment]; {p} a product, {n} an order number. */
const INTENTS: Record<string, [string[], number]> = {
  'order.track': [['where is my order {n}', 'my {p} has not arrived yet', 'can you track order {n} please', 'when will the {p} be delivered'], 0],
  'order.cancel': [['please cancel order {n}', 'I want to cancel the {p}', 'cancel my order, I changed my mind'], -0.1],
  'refund.request': [['I want a refund for the {p}', 'refund order {n} please', 'the {p} arrived broken, I want my money back'], -0.4],
  'refund.status': [['any news on my refund for {n}', 'when do I get my refund'], -0.1],
  'return.request': [['how do I return the {p}', 'the {p} is the wrong size, can I return it'], -0.1],
  'invoice.get': [['I need an invoice for order {n}', 'send me the invoice for the {p}'], 0],
  'payment.problem': [['my card was charged twice for {n}', 'the payment for the {p} failed'], -0.5],
  'password.recover': [['I forgot my password', 'cannot log in, reset my password please'], -0.1],
  'delivery.options': [['do you deliver on weekends', 'how much is express delivery for the {p}'], 0.1],
  complaint: [['this is the worst service ever', 'the {p} broke after one day, terrible', 'I am really angry about order {n}'], -0.8],
  thanks: [['thanks, that helped', 'great, thank you so much', 'perfect, thanks'], 0.8],
  greeting: [['hi', 'hello there', 'good morning'], 0.2],
  'human.request': [['I want to talk to a person', 'agent please', 'can I speak to a human'], -0.2],
};
const UNKNOWN = ['zorbly wimwam flux', 'do you sell tractors', 'what is the meaning of life', 'sing me a song', 'is the {p} vegan', 'blorp the flux capacitor'];
const BOT = [
  'Let me check that for you.',
  'Your order is on its way and should arrive in two days.',
  'I have started the refund; you will get an email.',
  'Here is how returns work: you have 30 days.',
  'Sorry, I did not understand. You can ask about orders, refunds, returns or your account.',
];
const AGENT = [
  'Hi, I am looking at your case now.',
  'I have sent a replacement today.',
  'Sorry about that, I refunded the difference.',
  'Is there anything else I can help with?',
];

export async function generateHistory(store: Store, o: HistoryOptions): Promise<{ customers: number; conversations: number; messages: number }> {
  let seed = o.seed ?? 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const weighted = (xs: [string, number][]) => {
    const total = xs.reduce((n, [, w]) => n + w, 0);
    let r = rand() * total;
    for (const [v, w] of xs) if ((r -= w) < 0) return v;
    return xs[0][0];
  };
  const exp = (mean: number) => -Math.log(1 - rand()) * mean;
  const end = (o.end ?? new Date()).getTime();
  const days = o.days ?? 365;
  const intents = Object.keys(INTENTS);
  const fill = (t: string) => t.replace('{p}', pick(PRODUCTS)).replace('{n}', String(10000 + Math.floor(rand() * 90000)));
  const iso = (ms: number) => new Date(ms).toISOString();

  const customerCount = Math.max(1, Math.round(o.conversations / 3));
  const customers: Customer[] = [];
  for (let i = 0; i < customerCount; i++) {
    const r = rand();
    const segments = r < 0.05 ? ['vip'] : r < 0.15 ? ['at_risk'] : r < 0.35 ? ['new_customer'] : [];
    customers.push({
      ...buildCustomer({ displayName: `${pick(NAMES)} ${pick(SURNAMES)}`, segments, language: rand() < 0.8 ? 'en' : 'es' }),
      id: `gen-cust-${i}`,
    });
  }
  for (let i = 0; i < customers.length; i += 5000) await store.importRecords({ customers: customers.slice(i, i + 5000) });

  let messagesMade = 0;
  let carry = 0;
  const BATCH = 2000;
  for (let start = 0; start < o.conversations; start += BATCH) {
    const conversations: Conversation[] = [];
    const messages: Message[] = [];
    for (let i = start; i < Math.min(o.conversations, start + BATCH); i++) {
      const channelId = weighted(CHANNELS);
      const customer = customers[Math.floor(rand() * customers.length)];
      const created = end - Math.floor(rand() * days * 86_400_000);
      const id = `gen-conv-${i}`;
      const escalated = rand() < 0.25;
      // Pairs of conversations vary in length by ±40 % around the mean and even out, so the total is exact.
      const base = Math.floor(((i + 1) * o.messages) / o.conversations) - Math.floor((i * o.messages) / o.conversations);
      let n: number;
      if (i % 2 === 0 && i + 1 < o.conversations) {
        n = Math.max(2, base + Math.round((rand() - 0.5) * 0.8 * base));
        carry = base - n;
      } else {
        n = base + carry;
        carry = 0;
      }
      const c: Conversation = {
        ...buildConversation({
          channelId,
          channelConversationId: id,
          customerId: customer.id,
          reference: { channelId, serviceUrl: 'https://example.invalid', conversation: { id } },
        }),
        id,
        createdAt: iso(created),
        updatedAt: iso(created),
        state: 'closed',
        lastSeq: n,
      };
      let t = created;
      const at = () => iso((t += 5_000 + Math.floor(rand() * 40_000)));
      const handoffAt = escalated ? Math.max(1, Math.floor(n / 3)) : n + 1;
      for (let seq = 1; seq <= n; seq++) {
        if (seq === handoffAt) {
          const agent = `gen-agent-${Math.floor(rand() * 25)}`;
          const queuedAt = t;
          const assignedAt = queuedAt + Math.round(exp(90_000));
          const firstReply = assignedAt + 5_000 + Math.round(exp(20_000));
          const closedAt = firstReply + Math.round(exp(480_000));
          Object.assign(c, {
            handoffReason: weighted(REASONS),
            queuedAt: iso(queuedAt),
            assignedAt: iso(assignedAt),
            firstAgentReplyAt: iso(firstReply),
            closedAt: iso(closedAt),
            handledBy: [agent],
          });
          t = assignedAt;
          messages.push(
            buildMessage(
              {
                conversationId: id,
                role: 'system',
                kind: 'event',
                text: '',
                data: { type: 'state', from: 'bot', to: 'queued', reason: c.handoffReason },
                createdAt: iso(queuedAt),
              },
              seq,
            ),
          );
          continue;
        }
        const afterHandoff = seq > handoffAt;
        const fromCustomer = seq % 2 === 1;
        if (fromCustomer) {
          const unknown = rand() < 0.08;
          const intent = unknown ? 'none' : pick(intents);
          const [templates, mood] = unknown ? [UNKNOWN, 0] : INTENTS[intent];
          const sentiment = Math.max(-1, Math.min(1, Math.round((mood + (rand() - 0.5) * 0.6) * 100) / 100));
          messages.push(
            buildMessage(
              {
                conversationId: id,
                role: 'customer',
                authorId: customer.id,
                text: fill(pick(templates)),
                intent,
                score: 0.9,
                sentiment,
                language: customer.language,
                createdAt: at(),
              },
              seq,
            ),
          );
        } else if (afterHandoff) {
          messages.push(buildMessage({ conversationId: id, role: 'agent', authorId: c.handledBy![0], text: pick(AGENT), createdAt: at() }, seq));
        } else {
          messages.push(buildMessage({ conversationId: id, role: 'bot', text: pick(BOT), createdAt: at() }, seq));
        }
      }
      const rated = escalated ? rand() < 0.6 : rand() < 0.15;
      if (rated)
        c.satisfaction = { score: Math.min(5, Math.max(1, Math.round(escalated ? 3.6 + (rand() - 0.5) * 4 : 4.2 + (rand() - 0.5) * 2))), at: iso(t + 60_000) };
      if (rand() < 0.05) c.tags = ['follow-up'];
      else if (rand() < 0.03) c.tags = ['billing'];
      c.closedAt ??= iso(t + 60_000);
      c.updatedAt = c.closedAt;
      messagesMade += n;
      conversations.push(c);
    }
    await store.importRecords({ conversations, messages });
    o.onProgress?.(Math.min(o.conversations, start + BATCH));
  }
  return { customers: customers.length, conversations: o.conversations, messages: messagesMade };
}

export const GENERATE_USAGE = `usage: npm run generate -- [--db FILE | --mongo URI] [--conversations N] [--messages M] [--seed S]

Writes a synthetic support history into an embedded store file (default data/history.sqlite) or MongoDB.
  --conversations N   conversations (default 100000)
  --messages M        messages, at least 2 per conversation (default 10 × N)
  --seed S            a whole number; the same seed makes the same history (default 42)
`;

export interface GenerateArgs {
  db: string;
  mongo?: string;
  conversations: number;
  messages: number;
  seed: number;
}

/** `help`: print the usage. Throws a usage error (exit code 2) for an unknown flag or a size it cannot make. */
export function parseGenerateArgs(argv: readonly string[]): { help: true } | ({ help: false } & GenerateArgs) {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      db: { type: 'string' },
      mongo: { type: 'string' },
      conversations: { type: 'string' },
      messages: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  if (values.db !== undefined && values.mongo !== undefined) throw new UsageError('--db and --mongo name two stores: give one');
  const conversations = positiveNumber('conversations', values.conversations, 100_000);
  const messages = positiveNumber('messages', values.messages, conversations * 10);
  if (messages < 2 * conversations) throw new UsageError(`--messages must be at least 2 per conversation (${2 * conversations})`);
  const seed = Number(values.seed ?? 42);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, not '${values.seed}'`);
  return { help: false, db: values.db || 'data/history.sqlite', ...(values.mongo ? { mongo: values.mongo } : {}), conversations, messages, seed };
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseGenerateArgs(argv);
  if (args.help) {
    process.stdout.write(GENERATE_USAGE);
    return 0;
  }
  const { SqliteStore } = await import('../store/sqliteStore');
  const { MongoStore } = await import('../store/mongoStore');
  const { conversations, messages, seed } = args;
  const store = args.mongo ? new MongoStore(args.mongo, { migrateOnStart: true }) : new SqliteStore(args.db, { synchronous: 'normal' });
  await store.init();
  const started = Date.now();
  const r = await generateHistory(store, {
    conversations,
    messages,
    seed,
    onProgress: (n) => process.stderr.write(`\r${n} / ${conversations} conversations`),
  });
  await store.close();
  process.stdout.write(`\n${JSON.stringify({ ...r, seconds: Math.round((Date.now() - started) / 100) / 10 })}\n`);
  return 0;
}

if (require.main === module) runCli('generate', GENERATE_USAGE, () => main(process.argv.slice(2)));
