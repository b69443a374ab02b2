import { t } from '../../locale/replies';
import { appWithChannel } from '../helpers/appWithChannel';
import { Chat } from '../helpers/chat';
import { createStaff } from '../helpers/consoleClient';
import { OWN_SWEEP_OFF } from '../helpers/testApp';

/**
 * Outside tester LOW 9: right after "I am passing you to a colleague" (a transfer between agents) the customer was told
 * a place in the queue. A transfer says the chat is passed on; a place number only when it waits with no one offered.
 */
describe('a transfer to a colleague tells no place while a colleague is offered it', () => {
  const ctx = appWithChannel({ QUEUE_SWEEP_SECONDS: OWN_SWEEP_OFF });

  test('transferred to a skill group with a colleague online: passed on, no place; with nobody to offer it to, a place', async () => {
    const { running, channel } = ctx;
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
    const ann = await createStaff(running.app, { capacity: 5 });
    const bea = await createStaff(running.app, { capacity: 5, skills: ['billing'] });
    for (const a of [ann, bea]) await running.app.store.updateUser(a.id, { presence: 'online' });
    const handoff = running.app.services.handoff;

    const chat = new Chat(running, { serviceUrl: channel.url });
    await chat.say('I want to talk to a human');
    const id = (await chat.conversation()).id;
    await handoff.claim(ann.id, id);
    const before = channel.texts(chat.conversationId).length;
    await handoff.transfer(ann.id, id, { skill: 'billing' });
    await channel.waitForText(chat.conversationId, /passing you to a colleague/);
    await handoff.sweep(new Date());
    const after = channel.texts(chat.conversationId).slice(before);
    expect(after).toContain(t('en', 'transferred'));
    // What the customer is told is stored before it is sent: no place among it.
    const told = async () => (await running.app.store.listMessages(id, { limit: 100 })).filter((m) => m.role === 'system').map((m) => m.text);
    expect((await told()).join(' ')).not.toMatch(/in the queue/);

    // Bea declines: nobody else has the skill, so it waits, and its place is told.
    await handoff.decline(bea.id, id);
    await handoff.sweep(new Date());
    expect((await told()).join(' ')).toMatch(/number 1 in the queue/);
  });
});
