import type { Socket } from 'socket.io-client';
import type { Conversation } from '../../models/records';
import { messageActivity, post } from './activities';
import type { ChannelServer } from './channelServer';
import { request } from './consoleClient';
import type { RunningApp } from './testApp';

/**
 * A whole escalated chat through the real parts: the customer writes on a channel (local serviceUrl),
 * asks for a person, an agent on a real socket accepts, answers and closes, and the customer rates it.
 */
export async function ratedHandoff(
  running: RunningApp,
  channel: ChannelServer,
  agent: Socket,
  o: { conv: string; customerName: string; lines: string[]; agentReply: string; rating: number },
): Promise<Conversation> {
  const says = async (text: string) => {
    const r = await post(
      running.url,
      messageActivity({
        conversation: { id: o.conv },
        from: { id: `cust-${o.conv}`, name: o.customerName },
        text,
        serviceUrl: channel.url,
        deliveryMode: undefined,
      }),
    );
    if (r.status !== 200) throw new Error(`customer message refused: ${r.status}`);
  };
  for (const line of o.lines) await says(line);
  await says('I want to talk to a human');
  await channel.waitForText(o.conv, /in the queue|en la cola/);
  const conversation = (await running.app.store.findConversationByChannel('test', o.conv))!;
  const claim = await request(agent, 'conversation:claim', { conversationId: conversation.id });
  if (!claim.ok) throw new Error(JSON.stringify(claim.error));
  await request(agent, 'message:send', { conversationId: conversation.id, text: o.agentReply, clientMessageId: `${o.conv}-reply` });
  await channel.waitForText(o.conv, new RegExp(o.agentReply.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await request(agent, 'conversation:close', { conversationId: conversation.id });
  await channel.waitForText(o.conv, /rate|valora|1 to 5|1 a 5/i);
  await says(`${o.rating} thanks`);
  return (await running.app.store.getConversation(conversation.id))!;
}
