import { TurnContext, type Activity, type ConversationState as BotConversationState, type StatePropertyAccessor } from 'botbuilder';
import { AuthenticationConstants, type ClaimsIdentity } from 'botframework-connector';
import type { SiteIdentity } from '../auth/siteToken';
import { AppError } from '../core/errors';
import type { Logger } from '../core/logger';
import { supported } from '../dialogs/languagePolicy';
import type { MainDialog } from '../dialogs/mainDialog';
import type { EscalationPolicyConfig } from '../handoff/escalationPolicy';
import type { HandoffService } from '../handoff/handoffService';
import type { AttachmentMeta, ChannelReference, Conversation, Customer } from '../models/records';
import type { Recognizer } from '../nlu/recognizer';
import type { IdentityResolution } from '../profile/identityResolution';
import type { ProfileService } from '../profile/profileService';
import type { BotStateStorage } from '../store/botStateStorage';
import type { Store } from '../store/store';
import { SupportAdapter } from './supportAdapter';

/** Turn state key under which our own web chat channel passes a visitor identity its signed site token proved. */
export const VERIFIED_IDENTITY = Symbol.for('crm.verifiedIdentity');
/** Set on turns that came through /api/messages (bot/botEndpoint.ts), not the in-process web chat. */
export const FROM_BOT_ENDPOINT = Symbol.for('crm.fromBotEndpoint');

export interface SupportBotDeps {
  store: Store;
  recognizer: Recognizer;
  profiles: ProfileService;
  identity: IdentityResolution;
  handoff: HandoffService;
  mainDialog: MainDialog;
  /** Stores a 1–5 rating on the conversation and the profile. */
  recordSatisfaction(conversationId: string, score: number, comment?: string): Promise<void>;
  conversationState: BotConversationState;
  failures: StatePropertyAccessor<number>;
  policy: EscalationPolicyConfig;
  nluMaxChars: number;
  log: Logger;
  /** Channels whose contact centre takes over through the Bot Framework handoff protocol instead of our console. */
  externalHandoffChannels: readonly string[];
  /** Channels that cannot reach a customer later (web chat): taking a message there asks for an e-mail to answer to. */
  askEmailChannels: readonly string[];
  /** conversationState's storage: given the dialog state each turn reads with its other reads (store.readTurn). */
  stateStorage?: BotStateStorage;
  /**
   * Whether a message can reach this conversation outside a turn (a trusted service URL, or our own web chat): where
   * it cannot, an agent's replies could never be delivered, so the bot queues nobody. Absent: every one can.
   */
  canReachLater?: (c: Conversation) => boolean;
}

/** A turn's own writes resolve once applied; the turn makes them durable (store.sync) before anyone learns of them. */
export const DEFERRED = { deferSync: true } as const;

const MAX_ATTACHMENTS = 20;
/** Follow-up conversations of one channel conversation are looked up one by one; past this many, the last one is used. */
const MAX_FOLLOW_UPS = 50;

/** The store id of the n-th conversation (n ≥ 2) held in one channel conversation: a customer writing after a close. */
export function followUpId(channelConversationId: string, n: number): string {
  return n <= 1 ? channelConversationId : `${channelConversationId}#${n}`;
}

/**
 * Every stored conversation of one channel conversation, oldest first: the first one, then the follow-ups started
 * when the customer wrote again after a close. The web chat reads its history through this.
 */
export async function channelConversations(store: Store, channelId: string, channelConversationId: string): Promise<Conversation[]> {
  const out: Conversation[] = [];
  for (let n = 1; n <= MAX_FOLLOW_UPS; n++) {
    const c = await store.findConversationByChannel(channelId, followUpId(channelConversationId, n));
    if (!c) break;
    out.push(c);
    if (c.state !== 'closed') break;
  }
  return out;
}

/** The conversation a channel conversation is in now: the first one, or its latest follow-up. */
export async function currentConversation(store: Store, channelId: string, channelConversationId: string): Promise<Conversation | null> {
  const all = await channelConversations(store, channelId, channelConversationId);
  return all[all.length - 1] ?? null;
}

/**
 * The turn's customer and conversation (created on first contact), with the dialog state loaded: one store round
 * trip for a known customer.
 */
export async function ingestConversation(
  d: SupportBotDeps,
  context: TurnContext,
): Promise<{ customer: Customer; conversation: Conversation; created: boolean }> {
  const a = context.activity;
  // The customer, the conversation and the dialog state in one store round trip; the state is handed to
  // botbuilder's storage and loaded at once, so loading it later costs nothing.
  const stateKey = d.stateStorage ? d.conversationState.getStorageKey(context) : undefined;
  const verified = context.turnState.get<SiteIdentity | undefined>(VERIFIED_IDENTITY);
  const read = await d.store.readTurn({
    key: { kind: 'channel', channelId: a.channelId, userId: a.from.id },
    channelId: a.channelId,
    channelConversationId: a.conversation.id,
    stateKeys: stateKey ? [stateKey] : [],
    // A first contact that brings a name judges it against the staff accounts as they are now: read with the rest
    // (the store returns them only when no customer holds the key), not in a round trip of their own.
    staffNames: !!(a.from.name || verified?.name),
  });
  // The in-process web chat's conversations belong to its endpoint: /api/messages may not write to one (checked on
  // the turn's own read, before anything is stored, so it costs no round trip).
  if (context.turnState.get(FROM_BOT_ENDPOINT) && read.conversation && SupportAdapter.isOwnWebChat(read.conversation.reference))
    throw new AppError('BOT_CHANNEL_FORBIDDEN');
  // A chat a person holds runs no dialog: its turn (relay, consent answers, opt-out) reads no dialog state, so the
  // state is neither primed nor loaded (loading copies and serializes it, on every relayed message); anything that
  // asks for it after all loads it then, in a read of its own. Primed and never read, it would stay in the storage.
  const held = read.conversation?.state === 'agent' || read.conversation?.state === 'external';
  if (stateKey && !held) {
    d.stateStorage!.prime(stateKey, read.state[stateKey]);
    await d.conversationState.load(context);
  }
  let customer = await d.profiles.resolve(
    { channelId: a.channelId, userId: a.from.id, name: a.from.name, locale: a.locale },
    DEFERRED,
    read.customer,
    read.staffNames,
  );
  if (verified?.email && !customer.contacts.some((p) => p.type === 'email' && p.value === verified.email && p.verified)) {
    // May merge this visitor into the profile that already holds the verified email.
    customer = await d.identity.applyVerifiedContact(customer.id, { type: 'email', value: verified.email }, 'signed_token');
  }
  if (verified?.name && !customer.displayName && (await d.profiles.nameAllowed(verified.name, read.staffNames)))
    customer = await d.profiles.update(customer.id, () => ({ displayName: verified.name }));
  const got = read.conversation
    ? { conversation: read.conversation, created: false }
    : await d.store.getOrCreateConversation(
        {
          channelId: a.channelId,
          channelConversationId: a.conversation.id,
          customerId: customer.id,
          reference: TurnContext.getConversationReference(a) as unknown as ChannelReference,
          // The channel's locale first, then the customer's explicit choice; otherwise settled by the first clear message.
          language: supported(a.locale) ?? supported(customer.preferences?.language as string | undefined),
        },
        DEFERRED,
      );
  let { conversation } = got;
  if (!got.created && conversation.state === 'closed') conversation = (await currentConversation(d.store, a.channelId, a.conversation.id)) ?? conversation;
  // The channel may move the conversation (new serviceUrl), but only a request that proves it comes from that
  // channel (a verified channel token, or the web chat endpoint for its own conversations) may say so.
  // The reference is built only to be stored: its serviceUrl is the activity's.
  if (!got.created && conversation.reference.serviceUrl !== a.serviceUrl && provesChannel(context, conversation.reference)) {
    const reference = TurnContext.getConversationReference(a) as unknown as ChannelReference;
    const updated = await d.store.updateConversation(conversation.id, { reference });
    if (updated) return { customer, conversation: updated, created: false };
  }
  return { customer, conversation, created: got.created };
}

/**
 * The customer writes again after their conversation was closed: a new conversation for the same profile, on the
 * same channel conversation, that says which one it follows. The closed one keeps its rating and its times.
 */
export async function startFollowUpConversation(d: SupportBotDeps, context: TurnContext, closed: Conversation): Promise<Conversation> {
  const a = context.activity;
  const all = await channelConversations(d.store, a.channelId, a.conversation.id);
  const { conversation, created } = await d.store.getOrCreateConversation(
    {
      channelId: a.channelId,
      channelConversationId: followUpId(a.conversation.id, all.length + 1),
      customerId: closed.customerId,
      reference: TurnContext.getConversationReference(a) as unknown as ChannelReference,
      language: closed.language,
    },
    DEFERRED,
  );
  if (created) {
    await d.store.appendMessage(
      {
        conversationId: conversation.id,
        role: 'system',
        kind: 'event',
        text: `follows conversation ${closed.id}`,
        data: { type: 'follows', conversationId: closed.id },
      },
      DEFERRED,
    );
    // The conversation's memory (dialogs, counters, what was asked) belongs to the one that closed.
    await d.mainDialog.cancelAll(context);
    await d.failures.set(context, 0);
    await d.mainDialog.memory.set(context, {});
  }
  return conversation;
}

export function attachmentMeta(a: Activity): AttachmentMeta[] {
  return (a.attachments ?? []).slice(0, MAX_ATTACHMENTS).map((x) => ({
    contentType: String(x.contentType ?? 'application/octet-stream').slice(0, 200),
    name: typeof x.name === 'string' ? x.name.slice(0, 255) : undefined,
    contentUrl: typeof x.contentUrl === 'string' && x.contentUrl.length < 2048 ? x.contentUrl : undefined,
  }));
}

/**
 * A turn that may move a conversation's stored address: one authenticated by a channel token issued for the new
 * address (an anonymous dev-mode request proves nothing), or, for an in-process web chat conversation, one that came through the web chat endpoint.
 */
function provesChannel(context: TurnContext, stored: ChannelReference): boolean {
  if (SupportAdapter.isOwnWebChat(stored)) return SupportAdapter.isOwnWebChat(context.activity);
  const identity = context.turnState.get<ClaimsIdentity | undefined>(context.adapter.BotIdentityKey);
  // Channel tokens carry the service URL they were issued for (and the adapter checked the token).
  return !!identity?.claims.some((c) => c.type === AuthenticationConstants.ServiceUrlClaim && c.value === context.activity.serviceUrl);
}
