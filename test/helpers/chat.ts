import { randomUUID } from 'node:crypto';
import type { Customer } from '../../models/records';
import { messageActivity, post, type PostBody } from './activities';
import type { RunningApp } from './testApp';

export interface Turn {
  status: number;
  /** The bot's message texts, in order. */
  replies: string[];
  /** Titles of the suggested actions (buttons) the bot offered in this turn. */
  buttons: string[];
  /** Titles of the buttons on the turn's last message: the only ones Web Chat still shows. */
  lastButtons: string[];
}

/**
 * One customer in one conversation through POST /api/messages (real Bot Framework activities, expectReplies), for
 * transcript tables. `locale: undefined` sends no locale at all.
 */
export class Chat {
  readonly conversationId: string;
  readonly userId: string;

  constructor(
    private readonly running: RunningApp,
    private readonly o: { locale?: string | undefined; channelId?: string; name?: string; conversationId?: string; userId?: string; serviceUrl?: string } = {},
  ) {
    this.conversationId = o.conversationId ?? `chat-${randomUUID()}`;
    this.userId = o.userId ?? `user-${randomUUID()}`;
  }

  async say(text: string): Promise<Turn> {
    const over: Record<string, unknown> = {
      conversation: { id: this.conversationId },
      from: { id: this.userId, name: this.o.name },
      text,
      channelId: this.o.channelId ?? 'test',
    };
    over.locale = 'locale' in this.o ? this.o.locale : 'en-US';
    // Where notices outside a turn (agent joined, survey) go: a local channel server, or nowhere.
    if (this.o.serviceUrl) over.serviceUrl = this.o.serviceUrl;
    const activity = messageActivity(over);
    if (over.locale === undefined) delete activity.locale;
    const r = await post(this.running.url, activity);
    const acts = ((r.body as PostBody | undefined)?.activities ?? []).filter((a) => a.type === 'message');
    const titles = (a: (typeof acts)[number] | undefined) => (a?.suggestedActions?.actions ?? []).map((x) => String(x.title ?? ''));
    return { status: r.status, replies: r.replies, buttons: acts.flatMap(titles), lastButtons: titles(acts.at(-1)) };
  }

  /** Says each line in turn; returns every turn. */
  async sayAll(lines: readonly string[]): Promise<Turn[]> {
    const out: Turn[] = [];
    for (const line of lines) out.push(await this.say(line));
    return out;
  }

  async customer(): Promise<Customer> {
    const c = await this.running.app.store.findCustomerByKey({ kind: 'channel', channelId: this.o.channelId ?? 'test', userId: this.userId });
    if (!c) throw new Error('no customer yet: say something first');
    return await this.running.app.services.profiles.get(c.id);
  }

  /** The conversation this chat is in now (the latest follow-up after a close). */
  async conversation() {
    const store = this.running.app.store;
    let n = 1;
    let current = await store.findConversationByChannel(this.o.channelId ?? 'test', this.conversationId);
    for (;;) {
      const next = await store.findConversationByChannel(this.o.channelId ?? 'test', `${this.conversationId}#${++n}`);
      if (!next) return current!;
      current = next;
    }
  }
}
