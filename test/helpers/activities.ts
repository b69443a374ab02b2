import { randomUUID } from 'node:crypto';

export interface PostResult {
  status: number;
  body: any;
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
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  const replies = ((body?.activities ?? []) as any[]).filter((a) => a.type === 'message').map((a) => String(a.text ?? ''));
  return { status: res.status, body, replies };
}

/** Sends one utterance in a conversation and returns the bot's replies. */
export function say(url: string, conversationId: string, text: string, over: Record<string, unknown> = {}): Promise<PostResult> {
  return post(url, messageActivity({ conversation: { id: conversationId }, text, ...over }));
}
