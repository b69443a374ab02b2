/**
 * The REST API's request and response bodies, shared by the routes (api/*Routes.ts check their schemas and answers
 * against them) and the console in the browser (agent-console/web). Types only, and only from modules the browser
 * may type-check too: nothing here reaches the console bundle.
 */
import type { ErrorCode } from '../core/errors';
import type {
  AuditEntry,
  ConsentPurpose,
  Conversation,
  CorpusAddition,
  Customer,
  MergeSuggestion,
  MergeView,
  Message,
  PublicUser,
  SignedIn,
  Transcript,
} from '../models/records';
import type { Mention, MentionResult } from '../profile/mentionTypes';
import type { SegmentRule } from '../profile/segments';
import type { ConversationStats, SearchHit, TranscriptResults } from '../store/storeTypes';

export type { MergeView, PublicUser, SegmentRule, Transcript };

/** Every refused call: a stable code from core/errors.ts and a sentence for people. */
export interface ErrorResponse {
  error: { code: ErrorCode; message: string };
}

// auth: /api/auth/*, /api/users/:id/teams-link
export interface LoginRequest {
  email: string;
  password: string;
}
export interface TeamsSignInRequest {
  token: string;
}
/** POST /api/auth/login and /api/auth/teams. */
export type SignInResponse = SignedIn;
export interface MeResponse {
  user: PublicUser;
  expiresAt: string;
}
export interface TeamsLinkRequest {
  tenantId: string;
  objectId: string;
}
export interface TeamsLinkResponse extends TeamsLinkRequest {
  userId: string;
}

// customers: /api/customers/:id…
export interface CustomerResponse {
  customer: Customer;
}
export interface OutboundMessageRequest {
  text: string;
  purpose: ConsentPurpose;
  channelId?: string;
}

// merges: /api/merge-suggestions, /api/merges/:id/undo
export interface MergeSuggestionsResponse {
  suggestions: MergeSuggestion[];
}
export interface MergeDecisionRequest {
  confirm: boolean;
}
export interface MergeDecisionResponse {
  suggestion: MergeSuggestion;
  survivor?: Customer;
}
export interface UnmergeResponse {
  absorbed: Customer;
  survivor: Customer;
}

// segments: /api/segments (GET answers it, PUT takes SegmentRulesPut; PUT and POST /api/segments/restore answer it)
export interface SegmentRulesBody {
  rules: SegmentRule[];
}
/** An empty list is refused (SEGMENT_RULES_EMPTY) unless allowEmpty says the admin means it. */
export interface SegmentRulesPut extends SegmentRulesBody {
  allowEmpty?: true;
}
/** The shipped defaults, or the rules before (by default) or after an audited change (`segments.update`). */
export type SegmentRestoreRequest = { defaults: true } | { auditId: string; take?: 'before' | 'after' };

// mentions: /api/mentions (the social listening tool)
export type MentionRequest = Mention;
export type MentionResponse = MentionResult;

// transcripts: /api/transcripts…, /api/stats
/** The transcript filters, as query parameters (search, export and its link). */
export type TranscriptFilterName =
  | 'q'
  | 'from'
  | 'to'
  | 'channel'
  | 'customer'
  | 'agent'
  | 'state'
  | 'reason'
  | 'intent'
  | 'sentimentMin'
  | 'sentimentMax'
  | 'ratingMin'
  | 'ratingMax'
  | 'tag'
  | 'segment';
export type TranscriptPageResponse = TranscriptResults;
export type TranscriptResponse = Transcript;
export interface MessageSearchResponse {
  hits: SearchHit[];
}
/** The store's figures, and the chats still waiting for a person measured to now (review/reviewService.ts). */
export type StatsResponse = ConversationStats & { stillWaiting: { p50: number | null; p90: number | null; n: number; longest: number | null } };
export interface TagsRequest {
  tags: string[];
}
export interface TagsResponse {
  conversation: Conversation;
}
export interface AnnotationRequest {
  text: string;
}
export interface AnnotationResponse {
  message: Message;
}
/** POST /api/transcripts/export-link and /api/audit/export-link: a URL a plain download may follow once, within a minute. */
export interface ExportLinkResponse {
  url: string;
  expiresInSeconds: number;
}

// audit: /api/audit…
export interface AuditPageResponse {
  entries: AuditEntry[];
  nextCursor: string | null;
}

// nlu: /api/nlu/*
export interface ModelStatus {
  training: boolean;
  trainedWithAdditions: number;
}
export interface CorpusCatalogue {
  language: string;
  intents: string[];
}
export interface CorpusResponse {
  catalogue: CorpusCatalogue[];
  additions: CorpusAddition[];
  model: ModelStatus;
}
export interface UtteranceRequest {
  text: string;
  intent: string;
  language: string;
}
export interface UtteranceResponse {
  addition: CorpusAddition;
  added: boolean;
}
export interface UtteranceRemoveRequest {
  text: string;
  language: string;
}
export interface UtteranceRemoveResponse {
  removed: true;
}
export interface CustomerMergesResponse {
  merges: MergeView[];
}
export interface RetrainResponse {
  model: ModelStatus;
}
