import type { Socket } from 'socket.io-client';
import type { App } from '../../app/app';
import type { Conversation } from '../../models/records';
import { messageActivity, post } from './activities';
import type { ChannelServer } from './channelServer';
import { createStaff, online, request, type Staff } from './consoleClient';

export interface HeldChat {
  agent: Staff;
  /** The agent's console socket, online. */
  socket: Socket;
  conversation: Conversation;
}

/**
 * A chat an agent holds, through the real parts: a customer on a Bot Framework channel (conversation `conv`, replies
 * going to `channel`) asks for a person, a new agent goes online on a real socket and claims the queued chat.
 */
export async function heldChat(running: { app: App; url: string }, channel: ChannelServer, conv: string): Promise<HeldChat> {
  const agent = await createStaff(running.app);
  const socket = await online(running.app, running.url, agent);
  const r = await post(
    running.url,
    messageActivity({ conversation: { id: conv }, from: { id: `${conv}-user` }, text: 'talk to a human', serviceUrl: channel.url, deliveryMode: undefined }),
  );
  if (r.status !== 200) throw new Error(`customer message refused: ${r.status}`);
  const found = (await running.app.store.findConversationByChannel('test', conv))!;
  while ((await running.app.store.getConversation(found.id))?.state !== 'queued') await new Promise((resolve) => setTimeout(resolve, 20));
  const claim = await request(socket, 'conversation:claim', { conversationId: found.id });
  if (!claim.ok) throw new Error(`claim refused: ${JSON.stringify(claim.error)}`);
  return { agent, socket, conversation: (await running.app.store.getConversation(found.id))! };
}
