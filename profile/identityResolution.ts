import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors';
import type { ContactType, Customer, MergeRecord, MergeSuggestion, MergeView, SentimentPoint } from '../models/records';
import { RECENT_SENTIMENT_POINTS, SENTIMENT_HISTORY_POINTS } from '../models/records';
import type { Actor } from '../review/accessPolicy';
import { MAX_PAGE, type AuditStore, type ConversationStore, type CustomerStore, type MergeStore } from '../store/store';
import { encodeCursor, normalizeEmail, normalizePhone } from '../store/storeGuards';
import type { ProfileService } from './profileService';

export type { MergeSuggestion };

/**
 * One person behind many contact points. A contact point vouched for (by the channel or a signed site token)
 * merges profiles at once; one typed in chat only raises a suggestion for a person to confirm. Every merge
 * keeps both profiles as they were, so unmerge restores them exactly. Merges and unmerges are audited.
 */
export class IdentityResolution {
  constructor(
    private readonly store: CustomerStore & ConversationStore & MergeStore & AuditStore,
    private readonly profiles: ProfileService,
    private readonly notify: (type: 'customer.merged' | 'customer.unmerged', data: Record<string, unknown>) => Promise<void> | void = () => undefined,
  ) {}

  private norm(type: ContactType, value: string): string {
    return type === 'email' ? normalizeEmail(value) : normalizePhone(value);
  }

  /** A verified contact point for this customer: merges with the profile that already holds it, if any. Returns the surviving profile. */
  async applyVerifiedContact(customerId: string, contact: { type: ContactType; value: string }, source: string, actorId?: string): Promise<Customer> {
    const value = this.norm(contact.type, contact.value);
    const owner = await this.store.findCustomerByKey(contact.type === 'email' ? { kind: 'email', value } : { kind: 'phone', value });
    const me = await this.profiles.get(customerId);
    if (owner && owner.id !== me.id) return this.merge(me.id, owner.id, `verified ${contact.type} from ${source}`, actorId, { proven: true });
    await this.profiles.update(me.id, (c) => {
      const others = c.contacts.filter((p) => !(p.type === contact.type && p.value === value));
      return { contacts: [...others, { type: contact.type, value, verified: true, source, addedAt: new Date().toISOString() }] };
    });
    return this.profiles.get(me.id);
  }

  /** A contact typed in chat: stored unverified, and a suggestion for every other profile that has it. */
  async applyUnverifiedContact(customerId: string, contact: { type: ContactType; value: string }, source: string): Promise<MergeSuggestion[]> {
    await this.profiles.addContact(customerId, contact, source, false);
    const me = await this.profiles.get(customerId);
    const value = this.norm(contact.type, contact.value);
    const others = (await this.store.findCustomersByContact(contact.type, value)).filter((c) => c.id !== me.id && !c.mergedInto && !c.erasedAt);
    const made: MergeSuggestion[] = [];
    for (const other of others) {
      const evidence = [
        `same ${contact.type} ${maskContact(value)}${other.contacts.some((p) => p.type === contact.type && p.value === value && p.verified) ? ' (verified on the other profile)' : ''}`,
      ];
      let score = 0.6;
      if (me.displayName && other.displayName && me.displayName.toLowerCase() === other.displayName.toLowerCase()) {
        score += 0.25;
        evidence.push(`same name ${other.displayName}`);
      }
      if (me.language && me.language === other.language) {
        score += 0.05;
        evidence.push(`same language ${me.language}`);
      }
      made.push(await this.addSuggestion({ customerId: me.id, candidateId: other.id, score: Math.min(1, score), evidence }));
    }
    return made;
  }

  /**
   * A right code for a contact point another profile already has verified: not marked here (it is that profile's
   * identity key), and staff are asked to look at the two (one open suggestion per pair: an earlier one stands).
   */
  async provenElsewhere(customerId: string, contact: { type: ContactType; value: string }): Promise<MergeSuggestion | undefined> {
    const value = this.norm(contact.type, contact.value);
    const owner = await this.store.findCustomerByKey(contact.type === 'email' ? { kind: 'email', value } : { kind: 'phone', value });
    if (!owner || owner.id === customerId) return undefined;
    const evidence = [`same ${contact.type} ${maskContact(value)} (verified on the other profile)`, `a code sent to it was typed back in chat`];
    return this.addSuggestion({ customerId, candidateId: owner.id, score: 0.9, evidence });
  }

  private addSuggestion(s: Omit<MergeSuggestion, 'id' | 'status' | 'createdAt'>): Promise<MergeSuggestion> {
    // The store keeps at most one open suggestion per pair and returns it when asked again.
    return this.store.addMergeSuggestion(s);
  }

  async suggestions(status: MergeSuggestion['status'] = 'open'): Promise<MergeSuggestion[]> {
    return this.store.listMergeSuggestions({ status });
  }

  /**
   * Open suggestions between two customers the actor may both see (need-to-know: the evidence holds contact points),
   * each with who both people are (name, masked e-mails, channels) and what merging would and would not do, so the
   * person deciding can judge.
   */
  async suggestionsFor(actor: Actor): Promise<MergeSuggestion[]> {
    const visible = this.visibility(actor);
    const out: MergeSuggestion[] = [];
    for (const s of await this.suggestions('open')) {
      if (!(await visible(s.customerId)) || !(await visible(s.candidateId))) continue;
      const [a, b] = await Promise.all([this.store.getCustomer(s.customerId), this.store.getCustomer(s.candidateId)]);
      if (!a || !b) continue;
      const who = [`this profile: ${describe(a)}`, `other profile: ${describe(b)}`];
      const claimOnly = s.evidence.some((e) => e.includes('(verified on the other profile)')) || b.contacts.some((p) => p.verified);
      if (claimOnly && a.identities.length > 0)
        who.push('merging does not verify anything typed in chat: verified contact points of one side stop being verified');
      // Suggestions stored before evidence was masked still carry the full address: masked on the way out too.
      out.push({ ...s, evidence: [...who, ...s.evidence.map(maskContactsIn)] });
    }
    return out;
  }

  /** Whether the actor may see a customer, each asked once. */
  private visibility(actor: Actor): (customerId: string) => Promise<boolean> {
    const seen = new Map<string, Promise<boolean>>();
    return (id) => {
      let v = seen.get(id);
      if (!v) seen.set(id, (v = this.profiles.visibleTo(actor, id).then((c) => !!c)));
      return v;
    };
  }

  /** Someone who may see both customers confirms (merge) or rejects a suggestion; for anyone else it does not exist. */
  async decide(suggestionId: string, confirm: boolean, actor: Actor): Promise<{ suggestion: MergeSuggestion; survivor?: Customer }> {
    const actorId = actor.id;
    const s = await this.store.getMergeSuggestion(suggestionId);
    const visible = this.visibility(actor);
    if (!s || !(await visible(s.customerId)) || !(await visible(s.candidateId))) throw new AppError('NOT_FOUND', 'no such suggestion');
    if (s.status !== 'open' || !(await this.store.decideMergeSuggestion(s.id, confirm ? 'confirmed' : 'rejected'))) {
      throw new AppError('MERGE_SUGGESTION_DECIDED', `suggestion is already ${(await this.store.getMergeSuggestion(s.id))?.status ?? s.status}`);
    }
    await this.store.appendAudit({
      actorId,
      action: confirm ? 'profile.suggestion_confirm' : 'profile.suggestion_reject',
      targetType: 'customer',
      targetId: s.customerId,
      data: { candidateId: s.candidateId },
    });
    if (!confirm) return { suggestion: { ...s, status: 'rejected' } };
    return { suggestion: { ...s, status: 'confirmed' }, survivor: await this.merge(s.customerId, s.candidateId, 'confirmed suggestion', actorId) };
  }

  /**
   * Folds `absorbedId` into `survivorId`: identities, contacts, consent and sentiment history, tags, conversations.
   * A merge joins histories, not trust: unless it is `proven` (this customer proved a contact point the other profile
   * holds), a contact point verified on one side only stays verified only where the other side brings no channel
   * identity that could now speak with it (a visitor who typed someone's e-mail never becomes them by a click).
   */
  async merge(absorbedId: string, survivorId: string, reason: string, actorId?: string, opts: { proven?: boolean } = {}): Promise<Customer> {
    const absorbed = await this.profiles.get(absorbedId);
    const survivor = await this.profiles.get(survivorId);
    if (absorbed.id === survivor.id) return survivor;
    // The histories live apart from the records (schema 11): the merge's snapshot keeps both, for an undo.
    const sentiment = { absorbed: await this.store.listSentiment(absorbed.id), survivor: await this.store.listSentiment(survivor.id) };
    const joined = [...sentiment.survivor, ...sentiment.absorbed].sort((a, b) => a.at.localeCompare(b.at)).slice(-SENTIMENT_HISTORY_POINTS);
    const record: MergeRecord = { id: randomUUID(), absorbed, survivor, sentiment, movedConversations: [], at: new Date().toISOString() };
    // Free the absorbed profile's keys first: an identity key belongs to one profile at a time.
    await this.store.updateCustomer(absorbed.id, { identities: [], contacts: [], mergedInto: survivor.id });
    const byKey = <T>(items: T[], key: (x: T) => string) => [...new Map(items.map((x) => [key(x), x])).values()];
    await this.profiles.update(survivor.id, (c) => ({
      displayName: c.displayName ?? absorbed.displayName,
      language: c.language ?? absorbed.language,
      timeZone: c.timeZone ?? absorbed.timeZone,
      identities: byKey([...c.identities, ...absorbed.identities], (i) => `${i.channelId}:${i.userId}`),
      contacts: byKey([...c.contacts, ...absorbed.contacts], (p) => `${p.type}:${p.value}`).map((p) => {
        const on = (x: Customer) => x.contacts.some((q) => q.type === p.type && q.value === p.value && q.verified);
        const keeps = (side: Customer, other: Customer) => on(side) && (opts.proven || on(other) || other.identities.length === 0);
        const verified = keeps(c, absorbed) || keeps(absorbed, c);
        return { ...p, verified, source: verified || !(on(c) || on(absorbed)) ? p.source : 'merge_unverified' };
      }),
      consent: [...c.consent, ...absorbed.consent].sort((a, b) => a.at.localeCompare(b.at)),
      recentSentiment: joined.slice(-RECENT_SENTIMENT_POINTS).map((p) => p.score),
      tags: [...new Set([...c.tags, ...absorbed.tags])],
      engagement: {
        ...c.engagement,
        conversations: c.engagement.conversations + absorbed.engagement.conversations,
        messages: c.engagement.messages + absorbed.engagement.messages,
      },
      reach: { ...c.reach, followers: Math.max(c.reach.followers, absorbed.reach.followers) },
      lifetimeValue: c.lifetimeValue + absorbed.lifetimeValue,
      firstSeenAt: c.firstSeenAt < absorbed.firstSeenAt ? c.firstSeenAt : absorbed.firstSeenAt,
    }));
    await this.store.replaceSentiment(survivor.id, joined);
    record.movedConversations = await this.store.moveConversations(absorbed.id, survivor.id);
    await this.store.saveMerge(record);
    await this.store.appendAudit({
      actorId,
      action: 'profile.merge',
      targetType: 'customer',
      targetId: survivor.id,
      data: { absorbedId: absorbed.id, mergeId: record.id, reason },
    });
    // Answered only once the event is durable: a crash after the answer must not lose the notification.
    await this.notify('customer.merged', { customerId: survivor.id, absorbedId: absorbed.id, mergeId: record.id });
    return this.profiles.get(survivor.id);
  }

  async mergesOf(customerId: string): Promise<string[]> {
    return (await this.store.listAudit({ action: 'profile.merge', targetId: customerId })).map((a) => String(a.data?.mergeId));
  }

  /** The merges into a customer, newest first, for the sidebar's undo (at most 100). NOT_FOUND for an erased or unknown customer. */
  async mergeViews(customerId: string): Promise<MergeView[]> {
    const customer = await this.store.getCustomer(customerId);
    if (!customer || customer.erasedAt) throw new AppError('NOT_FOUND', 'no such customer');
    const entries = await this.store.listAudit({ action: 'profile.merge', targetId: customerId, limit: 100 });
    const merges: MergeView[] = [];
    for (const e of entries) {
      const mergeId = String(e.data?.mergeId);
      const record = await this.store.getMerge(mergeId);
      const absorbed = record ? await this.store.getCustomer(record.absorbed.id) : null;
      // Erasure removes a merge's snapshots; the audit entry remains without a name to show.
      if (!record || !absorbed || absorbed.erasedAt) merges.push({ mergeId, at: e.at, absorbedId: String(e.data?.absorbedId), erased: true });
      else merges.push({ mergeId, at: record.at, absorbedId: record.absorbed.id, absorbedName: record.absorbed.displayName, undone: record.undone });
    }
    return merges;
  }

  /** Restores both profiles as they were before the merge and gives the absorbed one its conversations back. */
  async unmerge(mergeId: string, actorId?: string): Promise<{ absorbed: Customer; survivor: Customer }> {
    const record = await this.store.getMerge(mergeId);
    if (!record) {
      // Erasure removes the snapshots of every merge involving the person; the audit log still knows the merge.
      if ((await this.mergeEntries()).some((m) => m.mergeId === mergeId))
        throw new AppError('PROFILE_ERASED', 'a person in this merge was erased; it cannot be undone');
      throw new AppError('NOT_FOUND', 'no such merge');
    }
    // Belt and braces: a side erased by any other path is never brought back either.
    for (const side of [record.survivor.id, record.absorbed.id]) {
      if ((await this.store.getCustomer(side))?.erasedAt) throw new AppError('PROFILE_ERASED', 'a person in this merge was erased; it cannot be undone');
    }
    if (record.undone) throw new AppError('MERGE_ALREADY_UNDONE');
    // A snapshot taken before schema 11 holds its history in the record itself (`sentiment`): restored apart.
    const restore = async (c: Customer, kept: SentimentPoint[] | undefined) => {
      const { id: _id, version: _v, firstSeenAt: _f, sentiment: legacy, ...rest } = c as Customer & { sentiment?: SentimentPoint[] };
      const points = kept ?? legacy ?? [];
      await this.store.updateCustomer(c.id, { ...rest, recentSentiment: points.slice(-RECENT_SENTIMENT_POINTS).map((p) => p.score), mergedInto: null });
      await this.store.replaceSentiment(c.id, points);
    };
    await restore(record.survivor, record.sentiment?.survivor);
    await restore(record.absorbed, record.sentiment?.absorbed);
    await this.store.moveConversations(record.survivor.id, record.absorbed.id, record.movedConversations);
    if (!(await this.store.markMergeUndone(mergeId, new Date().toISOString()))) throw new AppError('MERGE_ALREADY_UNDONE');
    await this.store.appendAudit({
      actorId,
      action: 'profile.unmerge',
      targetType: 'customer',
      targetId: record.survivor.id,
      data: { absorbedId: record.absorbed.id, mergeId },
    });
    await this.notify('customer.unmerged', { customerId: record.survivor.id, restoredId: record.absorbed.id, mergeId });
    return { absorbed: (await this.store.getCustomer(record.absorbed.id))!, survivor: (await this.store.getCustomer(record.survivor.id))! };
  }

  /** Every merge on record, from the audit log (each merge writes one entry, undone or not). */
  private async mergeEntries(): Promise<{ mergeId: string; survivorId: string; absorbedId: string }[]> {
    const out: { mergeId: string; survivorId: string; absorbedId: string }[] = [];
    for (let cursor: string | undefined; ;) {
      const page = await this.store.listAudit({ action: 'profile.merge', limit: MAX_PAGE, cursor });
      for (const e of page) out.push({ mergeId: String(e.data?.mergeId), survivorId: String(e.targetId), absorbedId: String(e.data?.absorbedId) });
      if (page.length < MAX_PAGE) return out;
      cursor = encodeCursor({ createdAt: page[page.length - 1].at, id: page[page.length - 1].id });
    }
  }

  /**
   * The profiles that are one person with `customerId` (merges followed): the profile everything was merged into,
   * and every profile merged into it, however long ago. What privacy erasure erases.
   */
  async personOf(customerId: string): Promise<Customer[]> {
    const root = await this.profiles.get(customerId);
    const merges = await this.mergeEntries();
    const person = new Map<string, Customer>([[root.id, root]]);
    for (let grew = true; grew;) {
      grew = false;
      for (const m of merges) {
        if (!person.has(m.survivorId) || person.has(m.absorbedId)) continue;
        const absorbed = await this.store.getCustomer(m.absorbedId);
        // Still merged (not undone since): its pointer leads into this person.
        if (absorbed?.mergedInto && person.has(absorbed.mergedInto)) {
          person.set(absorbed.id, absorbed);
          grew = true;
        }
      }
    }
    return [...person.values()];
  }
}

/**
 * A contact point as a person deciding on a merge sees it: enough to recognise ("b•••@example.com", "•••433"), not
 * to contact. Suggestions hold only this form, so their evidence never spreads the address.
 */
export function maskContact(v: string): string {
  const at = v.indexOf('@');
  return at > 0 ? `${v[0]}•••${v.slice(at)}` : `•••${v.slice(-3)}`;
}

const EMAIL_IN_TEXT = /([^\s@•(]+)@([^\s@)]+)/g;
const PHONE_IN_TEXT = /\+?\d[\d ()-]{5,}\d/g;

function maskContactsIn(text: string): string {
  return text.replace(EMAIL_IN_TEXT, (m) => maskContact(m)).replace(PHONE_IN_TEXT, (m) => maskContact(m.replace(/\D/g, '')));
}

/** "Ben Carter · b•••@example.com (verified) · slack, webchat · 3 conversations": who a profile is, contact points masked. */
function describe(c: Customer): string {
  const contacts = c.contacts.map((p) => `${maskContact(p.value)} (${p.verified ? 'verified' : 'unverified'}, ${p.source})`);
  const channels = [...new Set(c.identities.map((i) => i.channelId))];
  return [
    c.displayName ?? '(no name)',
    contacts.length ? contacts.join(', ') : 'no contact points',
    channels.length ? `channels ${channels.join(', ')}` : 'no channel identity',
    `${c.engagement.conversations} conversation${c.engagement.conversations === 1 ? '' : 's'}`,
  ].join(' · ');
}
