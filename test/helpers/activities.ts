import { randomUUID } from 'node:crypto';

/** An activity the bot answered with (the fields tests read). */
export interface ReplyActivity {
  type: string;
  name?: string;
  text?: string;
  value?: unknown;
  attachments?: { contentType: string; content: unknown }[];
  suggestedActions?: { actions?: { title?: string }[] };
}

/**
 * The answer's JSON: the replies (expectReplies), or a coded error. The body is the raw text when the answer is
 * not JSON, undefined when it is empty.
 */
export interface PostBody {
  activities?: ReplyActivity[];
  error?: { code: string; message: string; details?: unknown };
}

export interface PostResult {
  status: number;
  body: PostBody;
  replies: string[];
}

/** A Bot Framework message activity as a channel would post it. */
export function messageActivity(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: randomUUID(),
    channelId: 'test',
    serviceUrl: 'http://127.0.0.1:9/none',
    conversation: { id: 'conv-1' },
    from: { id: 'user-1', name: 'Test User' },
    recipient: { id: 'bot', name: 'Support' },
    text: 'hello',
    locale: 'en-US',
    deliveryMode: 'expectReplies',
    ...over,
  };
}

export async function post(url: string, activity: unknown, headers: Record<string, string> = {}): Promise<PostResult> {
  const res = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof activity === 'string' ? activity : JSON.stringify(activity),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  const body = parsed as PostBody;
  const replies = ((body as PostBody | undefined)?.activities ?? []).filter((a) => a.type === 'message').map((a) => String(a.text ?? ''));
  return { status: res.status, body, replies };
}

/** Sends one utterance in a conversation and returns the bot's replies. */
export function say(url: string, conversationId: string, text: string, over: Record<string, unknown> = {}): Promise<PostResult> {
  return post(url, messageActivity({ conversation: { id: conversationId }, text, ...over }));
}
