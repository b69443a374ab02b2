import { randomUUID } from 'node:crypto';
import type { Conversation, Customer, Message, SentimentPoint } from '../models/records';
import type { Store } from '../store/store';
import type { IdentityResolution } from './identityResolution';
import type { ProfileService } from './profileService';

/** Corpus additions made from customers' messages (nlu/corpusAdditions.ts). */
export interface CorpusEraser {
  /** Removes the additions whose text is one of these; returns how many went. */
  removeTexts(texts: readonly string[]): Promise<number>;
}

export interface PrivacyOptions {
  notify?: (type: 'customer.erased', data: Record<string, unknown>) => Promise<void> | void;
  corpus?: CorpusEraser;
  /** Called when erasure removed corpus additions: the model trained with them is retrained without them. */
  onCorpusChanged?: () => void;
  /**
   * Ends an open chat of the person (queued, offered, held) before it is erased: handoff owns that change. `language`:
   * the person's, for telling them (in it) that their data was erased as they asked and the chat has ended.
   */
  endConversation?: (conversation: Conversation, actorId?: string, language?: string) => Promise<unknown>;
}

export interface ErasureReport {
  conversations: number;
  messages: number;
  /** The profiles erased: the person's profile and every profile merged into it. */
  profiles: number;
  mergeSuggestions: number;
  merges: number;
  corpusAdditions: number;
}

/** botbuilder's ConversationState storage key (dialog state of one channel conversation; namespace ''). */
const dialogStateKey = (channelId: string, channelConversationId: string) => `${channelId}/conversations/${channelConversationId}/`;

/** Export everything known about a customer; erase it, keeping only an audit record without personal data. */
export class PrivacyService {
  constructor(
    private readonly store: Store,
    private readonly profiles: ProfileService,
    private readonly identity: IdentityResolution,
    private readonly options: PrivacyOptions = {},
  ) {}

  async export(
    customerId: string,
    actorId?: string,
  ): Promise<{
    profile: Customer & { sentiment: SentimentPoint[] };
    conversations: { id: string; channelId: string; createdAt: string; messages: Message[] }[];
  }> {
    const person = await this.profiles.get(customerId);
    const conversations = await this.store.listConversations({ customerId: person.id, limit: 1000 });
    // Staff's names and ids are other people's data: the export says what was written about the customer, and
    // when, not who wrote it (profile notes keep text and time; staff messages and events lose their author).
    const staff = new Set((await this.store.listUsers()).flatMap((u) => [u.id, u.name]));
    const out = [];
    // What the customer and the bot said and the state changes; never staff's internal notes (whispers, hand-over
    // notes, reviewers' annotations): this export is handed to the customer (review 21).
    for (const c of conversations) {
      const messages = (await this.store.listMessages(c.id)).filter((m) => m.kind !== 'note' && m.kind !== 'whisper').map((m) => withoutStaff(m, staff));
      out.push({ id: c.id, channelId: c.channelId, createdAt: c.createdAt, messages });
    }
    await this.store.appendAudit({ actorId, action: 'privacy.export', targetType: 'customer', targetId: person.id });
    const notes = person.attributes.notes;
    // The sentiment history is kept apart from the record (schema 11); the export shows it with the profile as before.
    const sentiment = await this.store.listSentiment(person.id);
    const profile = Array.isArray(notes)
      ? { ...person, sentiment, attributes: { ...person.attributes, notes: notes.map((n: { at?: unknown; text?: unknown }) => ({ at: n.at, text: n.text })) } }
      : { ...person, sentiment };
    return { profile, conversations: out };
  }

  /**
   * Erasure, complete and final. The person is the profile (merges followed) and every profile merged into it.
   * Gone: identities, contact points, profile fields, the sentiment history (forgetCustomer), message texts and
   * derived data (intent, sentiment); the
   * channel keys of their conversations, which may carry a handle or user id (replaced by opaque ones: conversation
   * id, reference, service URL); the dialog state of those conversations; merge suggestions involving them; merge
   * snapshots (a tombstone refuses undo with PROFILE_ERASED); NLU corpus additions made from their messages. Then
   * the store scrubs its own files. Only an audit record without personal data remains.
   */
  async erase(customerId: string, actorId?: string): Promise<ErasureReport> {
    const person = await this.identity.personOf(customerId);
    const ids = person.map((p) => p.id);
    const conversations = (await Promise.all(ids.map((id) => this.store.listConversations({ customerId: id, limit: 1000 })))).flat();
    // What they wrote, read before it is blanked: corpus additions made from it go too.
    const texts: string[] = [];
    for (const c of conversations) for (const m of await this.store.listMessages(c.id)) if (m.role === 'customer' && m.text) texts.push(m.text);
    // Open chats leave every queue and inbox first, so nobody holds or answers what is being erased.
    for (const c of conversations) {
      const language = person.find((p) => p.id === c.customerId)?.language ?? c.language;
      if (c.state !== 'closed') await this.options.endConversation?.(c, actorId, language);
    }
    let messages = 0;
    for (const c of conversations) {
      await this.store.deleteState([dialogStateKey(c.channelId, c.channelConversationId)]);
      messages += await this.store.eraseConversation(c.id, `erased-${randomUUID()}`);
    }
    const erasedAt = new Date().toISOString();
    for (const p of person) {
      await this.store.updateCustomer(p.id, {
        displayName: '',
        identities: [],
        contacts: [],
        language: undefined,
        timeZone: '',
        preferences: {},
        consent: [],
        recentSentiment: [],
        engagement: { conversations: 0, messages: 0, score: 0 },
        reach: { followers: 0, score: 0 },
        lifetimeValue: 0,
        segments: [],
        tags: [],
        attributes: {},
        erasedAt,
      });
    }
    // Corpus additions made through the dashboard carry no conversation: they are matched by text.
    const removedByText = (await this.options.corpus?.removeTexts(texts)) ?? 0;
    // Last: merge snapshots and suggestions involving them, corpus additions from their conversations, and the
    // store's own files scrubbed (freed pages zeroed, full-text index merged, WAL truncated; MongoDB: README).
    const forgotten = { mergeSuggestions: 0, merges: 0, corpusAdditions: removedByText };
    for (const id of ids) {
      const f = await this.store.forgetCustomer(id);
      forgotten.mergeSuggestions += f.mergeSuggestions;
      forgotten.merges += f.merges;
      forgotten.corpusAdditions += f.corpusAdditions;
    }
    const corpusAdditions = forgotten.corpusAdditions;
    if (corpusAdditions > 0) this.options.onCorpusChanged?.();
    const root = person[0].id;
    const report: ErasureReport = {
      conversations: conversations.length,
      messages,
      profiles: person.length,
      mergeSuggestions: forgotten.mergeSuggestions,
      merges: forgotten.merges,
      corpusAdditions,
    };
    await this.store.appendAudit({ actorId, action: 'privacy.erase', targetType: 'customer', targetId: root, data: { ...report } });
    // Answered only once the event is durable (docs/adr/0006).
    await this.options.notify?.('customer.erased', { customerId: root });
    return report;
  }
}

/** A message as the customer's export shows it: a staff author's id dropped, and any staff id or name in an event's data. */
function withoutStaff(m: Message, staff: ReadonlySet<string>): Message {
  const { authorId, data, ...rest } = m;
  const kept = data && Object.fromEntries(Object.entries(data).filter(([, v]) => !(typeof v === 'string' && staff.has(v))));
  return { ...rest, ...(authorId !== undefined && m.role === 'customer' ? { authorId } : {}), ...(kept ? { data: kept } : {}) };
}
