/**
 * The one error catalogue. Every error that crosses a boundary (HTTP, socket, bot turn)
 * carries a stable code from here; clients branch on `code`, never on `message`.
 */
export const ErrorCatalogue = {
  CONFIG_INVALID: { status: 500, message: 'Configuration is invalid' },
  VALIDATION_FAILED: { status: 400, message: 'Request payload is invalid' },
  BODY_TOO_LARGE: { status: 413, message: 'Request body is too large' },
  BODY_UNSUPPORTED_TYPE: { status: 415, message: 'Request bodies must be JSON (application/json)' },
  MESSAGE_TOO_LONG: { status: 413, message: 'The message text is longer than allowed' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down and retry later' },
  SERVER_SHUTTING_DOWN: { status: 503, message: 'The service is shutting down; retry on another instance' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  AUTH_REQUIRED: { status: 401, message: 'Authentication required' },
  AUTH_INVALID: { status: 401, message: 'Credentials or token are invalid' },
  AUTH_EXPIRED: { status: 401, message: 'Session has expired' },
  AUTH_REVOKED: { status: 401, message: 'Session was revoked' },
  AUTH_DISABLED: { status: 403, message: 'This account is disabled; an admin can enable it again' },
  AUTH_RATE_LIMITED: { status: 429, message: 'Too many sign-in attempts; try later' },
  AUTH_ORIGIN_FORBIDDEN: { status: 403, message: 'Origin is not allowed' },
  AUTH_PASSWORD_WEAK: { status: 400, message: 'The password is too short or too easy to guess' },
  AUTH_KEYS_UNAVAILABLE: { status: 503, message: "The identity provider's signing keys cannot be fetched; try again shortly" },
  AUTH_TEAMS_NOT_LINKED: { status: 403, message: 'This Teams account is not linked to a console account; an admin links it once' },
  FORBIDDEN: { status: 403, message: 'Your role may not do this' },
  STORE_UNAVAILABLE: { status: 503, message: 'The store is not answering' },
  STORE_CONFLICT: { status: 409, message: 'A record with that key already exists' },
  STORE_ETAG_CONFLICT: { status: 412, message: 'The record changed since it was read' },
  STORE_INVALID_QUERY: { status: 400, message: 'A query value is not a plain value' },
  BOT_ACTIVITY_INVALID: { status: 400, message: 'The activity is malformed' },
  BOT_TURN_FAILED: { status: 500, message: 'The bot could not process the activity' },
  BOT_REPLY_UNDELIVERED: {
    status: 502,
    message: "The message is stored; the bot's reply could not be delivered to the channel. Send the same activity again for it",
  },
  BOT_CHANNEL_FORBIDDEN: { status: 403, message: 'This conversation belongs to another channel endpoint; nothing was stored' },
  OUTBOUND_URL_UNTRUSTED: { status: 403, message: 'The service URL is not on the trusted list; nothing was sent' },
  HANDOFF_NOT_FOUND: { status: 404, message: 'No such conversation' },
  HANDOFF_INVALID_TRANSITION: { status: 409, message: 'The conversation is not in a state that allows this' },
  HANDOFF_ALREADY_CLAIMED: { status: 409, message: 'Another agent already took this conversation' },
  HANDOFF_NOT_OWNER: { status: 403, message: 'You do not own this conversation' },
  CONSENT_CUSTOMER_ONLY: { status: 409, message: 'Only the customer can grant consent: staff may withdraw it, or ask the customer' },
  CONSENT_NO_ADDRESS: {
    status: 409,
    message: 'The customer has no contact point on file for this channel: add one (the customer gives it in chat) before asking for consent there',
  },
  CONSENT_UNVERIFIED_ADDRESS: {
    status: 409,
    message:
      "The customer's contact point for this channel is not confirmed yet: the customer confirms it with the code the bot sends to it (they give it again in chat), then consent can be asked for there",
  },
  CUSTOMER_NOT_SERVED: { status: 403, message: 'Only the agent serving this customer, or a supervisor, may change their profile' },
  HANDOFF_TRANSFER_TO_SELF: { status: 409, message: 'You already hold this chat; transfer it to someone else or to a skill group' },
  HANDOFF_AT_CAPACITY: { status: 409, message: 'You are at your maximum number of concurrent chats' },
  HANDOFF_UNKNOWN_AGENT: { status: 404, message: 'No such agent' },
  HANDOFF_AGENT_OFFLINE: { status: 409, message: 'That agent is offline; choose someone online' },
  HANDOFF_AGENT_AWAY: { status: 409, message: 'That agent is away; choose someone online' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    message: 'This message id was already used for a different message; nothing was stored or sent. Use a new id for a new message',
  },
  HANDOFF_DELIVERY_FAILED: { status: 502, message: 'The message could not be delivered to the channel' },
  HANDOFF_UNKNOWN_SKILL: { status: 404, message: 'No agent has this skill; nobody could take the chat' },
  HANDOFF_REASSIGNED: { status: 409, message: 'A supervisor reassigned this chat to someone else; you may still read it' },
  HANDOFF_TAKEN_OVER: { status: 409, message: 'A supervisor took over this chat; you may still read it' },
  ATTACHMENT_TOO_LARGE: { status: 413, message: 'The file is larger than allowed' },
  ATTACHMENT_TYPE_REFUSED: { status: 415, message: 'This kind of file is not accepted (images, PDF and plain text are)' },
  ATTACHMENT_TOO_MANY: { status: 400, message: 'Too many files in one message' },
  ATTACHMENT_INVALID: { status: 400, message: 'The upload is not a valid multipart body with one activity and its files' },
  ATTACHMENT_FORBIDDEN: { status: 403, message: 'You may not see this chat, nor its files' },
  ATTACHMENT_LINK_INVALID: { status: 403, message: 'The file link is invalid or has expired' },
  ATTACHMENT_SOURCE_UNTRUSTED: { status: 502, message: "The file's address is not a trusted host; nothing was fetched" },
  ATTACHMENT_FETCH_FAILED: { status: 502, message: 'The file could not be fetched from the channel' },
  MERGE_SUGGESTION_DECIDED: { status: 409, message: 'This merge suggestion was already confirmed or rejected' },
  MERGE_ALREADY_UNDONE: { status: 409, message: 'This merge was already undone' },
  SEGMENT_RULES_EMPTY: {
    status: 400,
    message: 'An empty rule list would take every customer out of every segment; send allowEmpty: true to mean it, or restore earlier rules',
  },
  SEGMENT_AUDIT_NOT_FOUND: { status: 404, message: 'No change of the segment rules has this audit id' },
  PROFILE_ERASED: { status: 409, message: 'A profile this needs was erased; it cannot be restored' },
  STREAM_LIMIT: { status: 503, message: 'Too many open streams; poll or retry later' },
  DOWNLOAD_LINK_USED: { status: 410, message: 'This download link was already used; ask for a new one (each link works once, within its minute)' },
  WEBCHAT_TOKEN_RETIRED: { status: 401, message: 'This web chat token was replaced by a refresh; use the newer one' },
  STREAM_TOKEN_USED: { status: 403, message: 'This stream URL was already used; ask for a new one (GET /v3/directline/conversations/{id}?watermark=)' },
  INTERNAL: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ErrorCatalogue;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; details?: unknown }) {
    super(message ?? ErrorCatalogue[code].message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'AppError';
    this.code = code;
    this.status = ErrorCatalogue[code].status;
    this.details = options?.details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}

/** Normalizes anything thrown into an AppError, keeping the original as `cause`. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('INTERNAL', undefined, { cause: err });
}
