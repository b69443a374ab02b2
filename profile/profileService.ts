// Over 400 lines (405 before this branch): the profile's one write path (update, version checks) and its callers; a split by concern (staff edits, consent) is due.
import { AppError, isAppError } from '../core/errors';
import type { ConsentEvent, ConsentPurpose, ContactPoint, Customer } from '../models/records';
import { RECENT_SENTIMENT_POINTS, SENTIMENT_HISTORY_POINTS } from '../models/records';
import { canEditCustomer, canSeeCustomer, isReviewer, type Actor } from '../review/accessPolicy';
import { MAX_PAGE, type AuditStore, type ConversationStore, type CustomerStore, type SegmentRuleStore, type WriteOptions } from '../store/store';
import { pendingConsentAsk, type ConsentAsk } from './consentAsk';
import { eventApplies, grantAddress, grantReach, lapsedByReplacement } from './consentAddress';
import { maskContact } from './identityResolution';
import type { ContactConfirmation, ProfileActions } from './profileActions';
import { ReservedNames, withoutBidi } from './reservedNames';
import { SegmentRuleBook } from './segmentRuleBook';
import { engagementScore, evaluateSegments, reachScore, type SegmentRule } from './segments';

export interface ChannelUser {
  channelId: string;
  userId: string;
  name?: string;
  locale?: string;
}

/**
 * The social profile: one person behind many channel identities and contact points. Framework-free;
 * the bot and the console call it.
 */
export type { ConsentAsk };

export interface ProfileOptions {
  /** How long a consent question staff asked stays answerable, hours (CONSENT_ASK_HOURS). */
  consentAskHours?: number;
  /** The clock of consent questions (tests move it instead of waiting a day). */
  now?: () => number;
  /** Names a customer may not take (profile/reservedNames.ts); the roles alone by default. */
  reservedNames?: ReservedNames;
}

export class ProfileService implements ProfileActions {
  /** The segment rules, their cache, their changes and restores. */
  readonly segmentBook: SegmentRuleBook;

  private readonly consentAskMs: number;
  readonly now: () => number;
  private readonly reserved: ReservedNames;

  constructor(
    private readonly store: CustomerStore & SegmentRuleStore & AuditStore & ConversationStore,
    options: ProfileOptions = {},
  ) {
    this.consentAskMs = (options.consentAskHours ?? 24) * 3600 * 1000;
    this.now = options.now ?? Date.now;
    this.reserved = options.reservedNames ?? new ReservedNames();
    this.segmentBook = new SegmentRuleBook(store);
  }

  /**
   * Whether a customer may go by this name: none that passes for the bot, staff or the company. Asked of the store's
   * staff accounts as they are now (isReservedNow): every instance and process answers alike.
   */
  async nameAllowed(name: string, staffNow?: readonly string[]): Promise<boolean> {
    // `staffNow`: the staff names the caller has just read from the store (a first contact's readTurn).
    return !(staffNow ? this.reserved.isReservedAmong(staffNow, name) : await this.reserved.isReservedNow(name));
  }

  /** nameAllowed for many names at once (an import): one read of the staff accounts. */
  async namesAllowed(): Promise<(name: string) => boolean> {
    const reserved = await this.reserved.checkerNow();
    return (name) => !reserved(name);
  }

  async segmentRules(): Promise<SegmentRule[]> {
    return this.segmentBook.current();
  }

  /** Replaces the segment rules (segmentRuleBook.ts: an empty list only when `allowEmpty`; audited in full). */
  setSegmentRules(rules: SegmentRule[], actorId: string, options?: { allowEmpty?: boolean }): Promise<void> {
    return this.segmentBook.replace(rules, actorId, options);
  }

  /**
   * The customer behind a channel identity, created on first contact. Safe under concurrent first messages.
   * `options.deferSync`: the caller (a bot turn) awaits the store's sync() before acknowledging anything.
   */
  async resolve(user: ChannelUser, options?: WriteOptions, read?: Customer | null, staffNow?: readonly string[]): Promise<Customer> {
    const key = { kind: 'channel' as const, channelId: user.channelId, userId: user.userId };
    // `read`: the lookup by this key, when the caller already made it (a bot turn's readTurn); `staffNow`: the staff
    // names it read with it, when it found no customer (then no second round trip decides the channel's name).
    const found = await this.follow(read !== undefined ? read : await this.store.findCustomerByKey(key));
    if (found) return found;
    const now = new Date().toISOString();
    // A channel name that passes for the bot, staff or the company is not kept: the customer stays a visitor.
    // Judged as sent (with any bidi controls: as shown, too), kept as cleaned.
    const cleaned = cleanName(user.name);
    const name = user.name && cleaned && !(await this.reservedNow(staffNow, user.name, cleaned)) ? cleaned : undefined;
    try {
      return await this.store.createCustomer(
        {
          displayName: name,
          identities: [{ channelId: user.channelId, userId: user.userId, verified: false, name, addedAt: now }],
          language: user.locale?.slice(0, 2).toLowerCase(),
        },
        options,
      );
    } catch (err) {
      // Another request created it first.
      if (isAppError(err, 'STORE_CONFLICT')) {
        const winner = await this.store.findCustomerByKey(key);
        if (winner) return winner;
      }
      throw err;
    }
  }

  private async reservedNow(staffNow: readonly string[] | undefined, ...names: string[]): Promise<boolean> {
    return staffNow ? this.reserved.isReservedAmong(staffNow, ...names) : this.reserved.isReservedNow(...names);
  }

  /** A merged profile points at the one it was merged into. */
  private async follow(c: Customer | null): Promise<Customer | null> {
    let cur = c;
    for (let i = 0; cur?.mergedInto && i < 5; i++) cur = await this.store.getCustomer(cur.mergedInto);
    return cur;
  }

  async get(id: string): Promise<Customer> {
    const c = await this.follow(await this.store.getCustomer(id));
    if (!c) throw new AppError('NOT_FOUND', 'customer not found');
    return c;
  }

  /**
   * A profile as staff read it (REST, console). Need-to-know (review/accessPolicy.ts): whoever may read none of the
   * customer's conversations gets exactly the answer for a customer that does not exist. A reviewer's read is
   * audited here, whatever door it came through (`via`).
   */
  async read(customerId: string, actor: Actor, via: 'api' | 'console'): Promise<Customer> {
    const c = await this.visibleTo(actor, customerId);
    if (!c) throw new AppError('NOT_FOUND', 'no such customer');
    if (isReviewer(actor)) await this.store.appendAudit({ actorId: actor.id, action: 'customer.view', targetType: 'customer', targetId: c.id, data: { via } });
    return c;
  }

  /** The customer (merges followed) when the actor may see them; null otherwise, or when there is none. */
  async visibleTo(actor: Actor, customerId: string): Promise<Customer | null> {
    const c = await this.follow(await this.store.getCustomer(customerId));
    if (!c || isReviewer(actor)) return c;
    return canSeeCustomer(actor, await this.store.listConversations({ customerId: c.id, limit: MAX_PAGE })) ? c : null;
  }

  /**
   * Records a customer message on the profile: sentiment history, engagement, language, last seen, and the derived
   * fields they feed. `known` is the profile as the caller just read it (a bot turn has it): the first attempt starts
   * from it instead of reading again, and the version check still catches any change made in between. The store
   * applies it as one small write (recordCustomerMessage), not the whole document; the profile returned is the one
   * `update` would have written. `options.deferSync`: the caller (a bot turn) awaits the store's sync() before
   * acknowledging the message.
   */
  async recordMessage(
    customerId: string,
    m: { sentiment: number; language?: string; conversationId: string; at: string; newConversation: boolean },
    known?: Customer,
    options?: WriteOptions,
  ): Promise<Customer> {
    const point = { at: m.at, score: round(m.sentiment), conversationId: m.conversationId };
    for (let attempt = 0; attempt < 10; attempt++) {
      const c = attempt === 0 && known?.id === customerId && !known.mergedInto ? known : await this.get(customerId);
      const language = c.language ?? m.language;
      const merged: Customer = {
        ...c,
        recentSentiment: [...c.recentSentiment, point.score].slice(-RECENT_SENTIMENT_POINTS),
        engagement: {
          ...c.engagement,
          messages: c.engagement.messages + 1,
          conversations: c.engagement.conversations + (m.newConversation ? 1 : 0),
          lastContactAt: m.at,
        },
        ...(language !== undefined ? { language } : {}),
        lastSeenAt: m.at,
      };
      const next: Customer = { ...merged, ...(await this.derived(merged)), version: c.version + 1 };
      try {
        await this.store.recordCustomerMessage(
          c.id,
          {
            expectedVersion: c.version,
            point,
            keepSentiment: SENTIMENT_HISTORY_POINTS,
            recentSentiment: next.recentSentiment,
            at: m.at,
            newConversation: m.newConversation,
            engagementScore: next.engagement.score,
            ...(c.language === undefined && language !== undefined ? { language } : {}),
            ...(next.reach.score !== c.reach.score ? { reachScore: next.reach.score } : {}),
            ...(next.segments.join('\u0000') !== c.segments.join('\u0000') ? { segments: next.segments } : {}),
          },
          options,
        );
        return next;
      } catch (err) {
        if (!isAppError(err, 'STORE_ETAG_CONFLICT')) throw err;
      }
    }
    throw new AppError('STORE_ETAG_CONFLICT', 'profile kept changing');
  }

  async addContact(customerId: string, contact: { type: 'email' | 'phone'; value: string }, source: string, verified = false): Promise<void> {
    await this.update(customerId, (c) => {
      const exists = c.contacts.some((p) => p.type === contact.type && p.value.toLowerCase() === contact.value.toLowerCase());
      if (exists) return {};
      return { contacts: [...c.contacts, { ...contact, verified, source, addedAt: new Date().toISOString() }] };
    });
  }

  /**
   * A contact point on this profile proven by a one-time code sent to it: marked verified here, and only here (no
   * merge: another profile with the same address stays a suggestion for staff). 'absent' when it is no longer on the
   * profile; 'held' when another profile already has it verified (a verified address is one customer's identity key).
   */
  async confirmContact(customerId: string, contact: { type: 'email' | 'phone'; value: string }, o: { replaces?: boolean } = {}): Promise<ContactConfirmation> {
    const value = contact.value.toLowerCase();
    const at = new Date().toISOString();
    let found = false;
    let replaced: string[] = [];
    let lapsed: ConsentEvent[] = [];
    try {
      await this.update(customerId, (c) => {
        found = c.contacts.some((p) => p.type === contact.type && p.value.toLowerCase() === value);
        if (!found) return {};
        const mine = (p: ContactPoint) => p.type === contact.type && p.value.toLowerCase() === value;
        // A change asked for ("change my email to …"): the new one replaces the others of its kind, now that it is
        // proven (never before). Their grants lapse with them (consentAddress.ts lapsedByReplacement).
        const gone = o.replaces ? c.contacts.filter((p) => p.type === contact.type && !mine(p)) : [];
        replaced = gone.map((p) => p.value);
        lapsed = gone.length ? lapsedByReplacement(c, contact.type, at) : [];
        const contacts = c.contacts.filter((p) => !gone.includes(p)).map((p) => (mine(p) ? { ...p, verified: true } : p));
        return lapsed.length ? { contacts, consent: [...c.consent, ...lapsed] } : { contacts };
      });
    } catch (err) {
      if (isAppError(err, 'STORE_CONFLICT')) return 'held';
      throw err;
    }
    if (!found) return 'absent';
    if (!replaced.length) return 'confirmed';
    // The profile keeps only the current contacts; the audit log keeps what was replaced, masked (it outlives an erasure).
    await this.store.appendAudit({
      action: 'customer.contact_replaced',
      targetType: 'customer',
      targetId: customerId,
      data: { type: contact.type, replaced: replaced.map(maskContact), by: maskContact(value), lapsed: lapsed.map((e) => `${e.purpose}:${e.channel}`) },
    });
    return 'replaced';
  }

  /** What the customer asks to be called ("call me Maria"); a reserved name is refused (ask nameAllowed first). */
  async setName(customerId: string, name: string): Promise<Customer> {
    if (!(await this.nameAllowed(name))) throw new AppError('VALIDATION_FAILED', 'that name is reserved');
    name = withoutBidi(name);
    return this.update(customerId, (c) => ({ displayName: name, preferences: { ...c.preferences, preferredName: name } }));
  }

  /** An explicit choice: it also wins over the language each message is written in. */
  async setLanguage(customerId: string, language: string): Promise<void> {
    await this.update(customerId, (c) => ({ language, preferences: { ...c.preferences, language } }));
  }

  /**
   * Appends to the consent history; `scope` is one channel id or '*' for every channel (what a customer says in chat).
   * `address`: the contact point a grant is given for (profile/consentAddress.ts grantAddress); never on a withdrawal.
   */
  async setConsent(
    customerId: string,
    purpose: ConsentPurpose,
    granted: boolean,
    where: { channel: string; method: string; scope?: string; address?: string },
  ): Promise<Customer> {
    const at = new Date().toISOString();
    const address = granted && where.address !== undefined ? { address: where.address } : {};
    return this.update(customerId, (c) => ({
      consent: [...c.consent, { purpose, channel: where.scope ?? '*', granted, at, source: where.channel, method: where.method, ...address }],
    }));
  }

  /** Consent recorded by staff in the console on the customer's behalf (method 'agent'); audited. */
  /**
   * Staff change a profile only where they serve that customer (canEditCustomer): someone who may only look (an
   * agent at a queued chat) gets CUSTOMER_NOT_SERVED; someone who may not see the customer, "no such customer".
   */
  private async editableBy(actor: Actor, customerId: string): Promise<void> {
    if (isReviewer(actor)) return;
    const c = await this.visibleTo(actor, customerId);
    if (!c) throw new AppError('NOT_FOUND', 'no such customer');
    if (!canEditCustomer(actor, await this.store.listConversations({ customerId: c.id, limit: MAX_PAGE }))) throw new AppError('CUSTOMER_NOT_SERVED');
  }

  /**
   * Staff record a withdrawal at once; a grant is the customer's to give (CONSENT_CUSTOMER_ONLY): staff ask instead
   * (askConsentByStaff), and consent changes on the customer's explicit yes. Imports with evidence are customerImport.ts.
   */
  async consentByStaff(customerId: string, actor: Actor, purpose: ConsentPurpose, granted: boolean, channel: string): Promise<Customer> {
    if (granted) throw new AppError('CONSENT_CUSTOMER_ONLY');
    await this.editableBy(actor, customerId);
    const customer = await this.setConsent(customerId, purpose, granted, { channel: 'console', method: 'agent', scope: channel });
    await this.store.appendAudit({
      actorId: actor.id,
      action: 'customer.consent',
      targetType: 'customer',
      targetId: customerId,
      data: { purpose, channel, granted },
    });
    return customer;
  }

  /** Refuses (NOT_FOUND, CUSTOMER_NOT_SERVED) staff who may not change this customer's profile: checked before asking. */
  async mayAskConsent(actor: Actor, customerId: string): Promise<void> {
    await this.editableBy(actor, customerId);
  }

  /**
   * Staff ask the customer for a consent (the console's "Grant"): nothing changes but the question pending on the
   * profile, which the customer's explicit yes or no answers in the chat it was asked in, within CONSENT_ASK_HOURS
   * (bot/consentTurn.ts). `asked`: that chat and the question's message in it. Audited.
   */
  async askConsentByStaff(
    customerId: string,
    actor: Actor,
    purpose: ConsentPurpose,
    channel: string,
    asked: { conversationId: string; seq: number; channelId?: string },
  ): Promise<Customer> {
    await this.editableBy(actor, customerId);
    ProfileService.refuseUnreachableGrant(await this.get(customerId), channel, asked.channelId);
    const now = this.now();
    const ask: ConsentAsk = {
      purpose,
      channel,
      by: actor.id,
      at: new Date(now).toISOString(),
      expiresAt: new Date(now + this.consentAskMs).toISOString(),
      conversationId: asked.conversationId,
      seq: asked.seq,
    };
    const customer = await this.update(customerId, (c) => ({ attributes: { ...c.attributes, consentAsk: ask } }));
    await this.store.appendAudit({
      actorId: actor.id,
      action: 'customer.consent_ask',
      targetType: 'customer',
      targetId: customerId,
      data: { purpose, channel, expiresAt: ask.expiresAt },
    });
    return customer;
  }

  /**
   * Refuses a consent question on a channel the grant could not be recorded for (grantReach): no contact point of
   * that kind on file (CONSENT_NO_ADDRESS: mail that cannot arrive, and a grant that would pass to whichever address
   * is added later) or only unconfirmed ones (CONSENT_UNVERIFIED_ADDRESS: perhaps typed by someone else). Checked
   * before the customer is asked anything.
   */
  static refuseUnreachableGrant(c: Customer, channel: string, chatChannelId?: string): void {
    const reach = grantReach(c, channel, chatChannelId);
    if (reach.ok) return;
    if (reach.missing === 'verified') throw new AppError('CONSENT_UNVERIFIED_ADDRESS', `the customer's address for ${channel} is not confirmed`);
    throw new AppError('CONSENT_NO_ADDRESS', `the customer has no address for ${channel}`);
  }

  /** The consent question staff asked this customer, unanswered and not expired at `now` (profile/consentAsk.ts). */
  static readonly consentAsk = pendingConsentAsk;

  /**
   * The customer's answer to staff's question: a yes grants (method 'chat', from their channel); either ends it. The
   * evidence (who asked, when, the answer's message) goes to the audit log.
   */
  async answerConsentAsk(customerId: string, ask: ConsentAsk, granted: boolean, source: string, messageId?: string): Promise<Customer> {
    const at = new Date().toISOString();
    const customer = await this.update(customerId, (c) => {
      const attributes = { ...c.attributes };
      delete attributes.consentAsk;
      // The address as it is now (the customer answers in the chat on `source`): gone or no longer verified since the
      // question, nothing is granted.
      const where = granted ? grantAddress(c, ask.channel, source) : undefined;
      const address = where?.address !== undefined ? { address: where.address } : {};
      return {
        attributes,
        consent: where ? [...c.consent, { purpose: ask.purpose, channel: ask.channel, granted: true, at, source, method: 'chat', ...address }] : c.consent,
      };
    });
    await this.store.appendAudit({
      action: 'customer.consent_answer',
      targetType: 'customer',
      targetId: customerId,
      data: { purpose: ask.purpose, channel: ask.channel, granted, askedBy: ask.by, askedAt: ask.at, messageId },
    });
    return customer;
  }

  /** Staff replace a customer's tags or add a note from the console; audited. */
  async updateByStaff(customerId: string, actor: Actor & { name: string }, change: { tags?: string[]; addNote?: string }): Promise<Customer> {
    await this.editableBy(actor, customerId);
    const customer = await this.update(customerId, (c) => ({
      ...(change.tags ? { tags: [...new Set(change.tags)] } : {}),
      ...(change.addNote
        ? {
            attributes: {
              ...c.attributes,
              notes: [...((c.attributes.notes as unknown[]) ?? []), { by: actor.name, byId: actor.id, at: new Date().toISOString(), text: change.addNote }],
            },
          }
        : {}),
    }));
    await this.store.appendAudit({
      actorId: actor.id,
      action: 'customer.update',
      targetType: 'customer',
      targetId: customerId,
      data: { tags: !!change.tags, note: !!change.addNote },
    });
    return customer;
  }

  /**
   * Current consent for a purpose on a channel: the latest event for that channel or '*'. Service messages default to
   * granted. A grant recorded for an address counts only while the profile holds it, and only for that address when
   * `address` names where the message goes; events without one (withdrawals, older grants) keep their meaning
   * (profile/consentAddress.ts eventApplies).
   */
  static consentFor(c: Customer, purpose: ConsentPurpose, channel: string, address?: string): boolean {
    const events = c.consent.filter((e) => e.purpose === purpose && (e.channel === channel || e.channel === '*') && eventApplies(e, c, address));
    const last = events[events.length - 1];
    return last ? last.granted : purpose === 'service';
  }

  async recordRating(customerId: string, score: number): Promise<void> {
    await this.update(customerId, (c) => ({ attributes: { ...c.attributes, lastRating: score } }));
  }

  async setReach(customerId: string, followers: number, source: string): Promise<Customer> {
    return this.update(customerId, (c) => ({ reach: { ...c.reach, followers: Math.max(c.reach.followers, Math.floor(followers)), source } }));
  }

  /**
   * Read-modify-write with the version as compare-and-set, retried on a concurrent change. Derived fields
   * (segments, engagement and reach scores) are recomputed on every change.
   */
  async update(customerId: string, change: (c: Customer) => Partial<Customer>, known?: Customer, options?: WriteOptions): Promise<Customer> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const c = attempt === 0 && known?.id === customerId && !known.mergedInto ? known : await this.get(customerId);
      const patch = change(c);
      if (Object.keys(patch).length === 0) return c;
      const derived = await this.derived({ ...c, ...patch });
      try {
        // `base`: the store writes only what changed against the profile as read (one small write per message).
        return await this.store.updateCustomer(c.id, { ...patch, ...derived }, c.version, { ...options, base: c });
      } catch (err) {
        if (!isAppError(err, 'STORE_ETAG_CONFLICT')) throw err;
      }
    }
    throw new AppError('STORE_ETAG_CONFLICT', 'profile kept changing');
  }

  /** The fields computed from the rest of a profile: segments, engagement and reach scores. */
  private async derived(c: Customer): Promise<Pick<Customer, 'segments' | 'engagement' | 'reach'>> {
    return {
      segments: evaluateSegments(c, await this.segmentRules()),
      engagement: { ...c.engagement, score: engagementScore(c) },
      reach: { ...c.reach, score: reachScore(c.reach.followers) },
    };
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Channel-supplied names are kept as text, trimmed and bounded, without controls that reorder what they show. */
export function cleanName(name: string | undefined): string | undefined {
  const n = (name === undefined ? undefined : withoutBidi(name))
    ?.replace(/[\u0000-\u001f]/g, '')
    .trim()
    .slice(0, 120);
  return n ? n : undefined;
}
