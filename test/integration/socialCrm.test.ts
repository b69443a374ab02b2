import { signSiteToken } from '../../auth/siteToken';
import type { Customer } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { connect, connected, createStaff, request } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

const SECRET = 'site-secret-for-tests-0123456789abcdef';

describe('social CRM: identities, merges, consent, privacy', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(async () => {
    running = await startTestApp({ SITE_TOKEN_SECRET: SECRET });
    channel = await new ChannelServer().start();
  });
  afterAll(async () => {
    await running.stop();
    await channel.stop();
  });

  async function webChat(siteToken: string | undefined, text: string) {
    const s = (await (
      await fetch(`${running.url}/chat/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(siteToken ? { siteToken } : {}),
      })
    ).json()) as { token: string; conversationId: string; userId: string };
    const r = await fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
      body: JSON.stringify({ type: 'message', text }),
    });
    expect(r.status).toBe(200);
    return s;
  }
  const strip = (c: Customer) => {
    const { version: _v, lastSeenAt: _l, ...rest } = c;
    return { ...rest, mergedInto: rest.mergedInto ?? null };
  };

  test('web chat with a signed email and another channel that later gives the same verified email end as one profile with both conversations; unmerge restores both exactly', async () => {
    const token = signSiteToken({ sub: 'site-42', email: 'Maria@Example.com', name: 'Maria Lopez', exp: Math.floor(Date.now() / 1000) + 600 }, SECRET);
    const s = await webChat(token, 'where is my order 12345');
    const web = await running.app.store.findCustomerByKey({ kind: 'email', value: 'maria@example.com' });
    expect(web?.displayName).toBe('Maria Lopez');
    expect(web?.contacts).toEqual([expect.objectContaining({ type: 'email', value: 'maria@example.com', verified: true, source: 'signed_token' })]);

    await post(
      running.url,
      messageActivity({ channelId: 'msteams', conversation: { id: 'teams-maria' }, from: { id: 'aad-maria', name: 'Maria L.' }, text: 'hello' }),
    );
    const teams = (await running.app.store.findCustomerByKey({ kind: 'channel', channelId: 'msteams', userId: 'aad-maria' }))!;
    expect(teams.id).not.toBe(web!.id);
    const before = { web: strip((await running.app.store.getCustomer(web!.id))!), teams: strip((await running.app.store.getCustomer(teams.id))!) };

    // Teams vouches for the email (Entra ID): a verified contact point merges the profiles.
    const survivor = await running.app.services.identity.applyVerifiedContact(teams.id, { type: 'email', value: 'maria@example.com' }, 'msteams');
    expect(survivor.id).toBe(web!.id);
    const convs = await running.app.store.listConversations({ customerId: web!.id });
    expect(convs.map((c) => c.channelId).sort()).toEqual(['msteams', 'webchat']);
    expect(survivor.identities.map((i) => i.channelId).sort()).toEqual(['msteams', 'webchat']);
    expect((await running.app.store.findCustomerByKey({ kind: 'channel', channelId: 'msteams', userId: 'aad-maria' }))?.id).toBe(web!.id);
    expect(s.userId).toBe('site-site-42');

    const [mergeId] = await running.app.services.identity.mergesOf(web!.id);
    await running.app.services.identity.unmerge(mergeId, 'test');
    expect(strip((await running.app.store.getCustomer(web!.id))!)).toEqual(before.web);
    expect(strip((await running.app.store.getCustomer(teams.id))!)).toEqual(before.teams);
    expect((await running.app.store.listConversations({ customerId: teams.id })).map((c) => c.channelId)).toEqual(['msteams']);
    expect((await running.app.store.listAudit({ action: 'profile.unmerge' })).length).toBe(1);
  });

  test('a bad or unsigned site token is never trusted', async () => {
    const forged = signSiteToken({ sub: 'x', email: 'victim@example.com', exp: Math.floor(Date.now() / 1000) + 600 }, 'another-secret-another-secret-123');
    const r = await fetch(`${running.url}/chat/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ siteToken: forged }),
    });
    expect(r.status).toBe(401);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","email":"victim@example.com"}').toString('base64url')}.`;
    expect(
      (
        await fetch(`${running.url}/chat/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ siteToken: unsigned }),
        })
      ).status,
    ).toBe(401);
    // channelData from the client claiming an identity is ignored.
    const s = await webChat(undefined, 'hello');
    await fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
      body: JSON.stringify({ type: 'message', text: 'hi', channelData: { verified: { email: 'victim@example.com' } } }),
    });
    expect(await running.app.store.findCustomerByKey({ kind: 'email', value: 'victim@example.com' })).toBeNull();
  });

  test('an unverified email typed in chat makes a suggestion, not a merge; confirming it merges', async () => {
    const verified = await running.app.store.createCustomer({
      displayName: 'Ben Ortiz',
      contacts: [{ type: 'email', value: 'ben@example.com', verified: true, source: 'import', addedAt: new Date().toISOString() }],
    });
    await post(
      running.url,
      messageActivity({ conversation: { id: 'typed-1' }, from: { id: 'fb-ben', name: 'Ben Ortiz' }, channelId: 'facebook', text: 'change my email' }),
    );
    await post(
      running.url,
      messageActivity({ conversation: { id: 'typed-1' }, from: { id: 'fb-ben', name: 'Ben Ortiz' }, channelId: 'facebook', text: 'ben@example.com' }),
    );
    // A contact change is saved only after a yes to a question naming it.
    await post(
      running.url,
      messageActivity({ conversation: { id: 'typed-1' }, from: { id: 'fb-ben', name: 'Ben Ortiz' }, channelId: 'facebook', text: 'yes' }),
    );
    const typed = (await running.app.store.findCustomerByKey({ kind: 'channel', channelId: 'facebook', userId: 'fb-ben' }))!;
    expect(typed.id).not.toBe(verified.id);
    expect(typed.contacts).toEqual([expect.objectContaining({ value: 'ben@example.com', verified: false })]);
    // Need-to-know: no agent holds a chat of the imported profile, so only a supervisor sees this suggestion (T21 tests the agents' side).
    const agent = await createStaff(running.app, { role: 'supervisor' });
    const list = (await (await fetch(`${running.url}/api/merge-suggestions`, { headers: { authorization: `Bearer ${agent.token}` } })).json()) as {
      suggestions: { id: string; customerId: string; candidateId: string; score: number; evidence: string[] }[];
    };
    const s = list.suggestions.find((x) => x.customerId === typed.id)!;
    expect(s).toMatchObject({ candidateId: verified.id });
    expect(s.score).toBeGreaterThan(0.8);
    expect(s.evidence.join(' ')).toMatch(/same email b•••@example\.com.*verified/);
    // The evidence names the address masked, like the rest of the view: never in full.
    expect(s.evidence.join(' ')).not.toContain('ben@example.com');
    const decide = await fetch(`${running.url}/api/merge-suggestions/${s.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` },
      body: JSON.stringify({ confirm: true }),
    });
    expect(decide.status).toBe(200);
    expect((await running.app.store.listConversations({ customerId: verified.id })).map((c) => c.channelConversationId)).toEqual(['typed-1']);
  });

  test('a proactive message to a customer who withdrew consent, or inside their quiet hours, is refused with the reason and nothing is sent', async () => {
    await post(
      running.url,
      messageActivity({
        conversation: { id: 'consent-1' },
        from: { id: 'consent-user' },
        text: 'stop sending me offers',
        serviceUrl: channel.url,
        deliveryMode: undefined,
      }),
    );
    const c = (await running.app.store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: 'consent-user' }))!;
    const sentBefore = channel.texts('consent-1').length;
    const noon = new Date('2026-11-22T12:00:00Z');
    const refused = await running.app.services.outbound.send({ customerId: c.id, text: 'Black Friday deals!', purpose: 'marketing' }, noon);
    expect(refused).toMatchObject({ sent: false, reason: 'consent_withdrawn' });
    // Proactive notifications are opt-in; this customer opts in, so only the hour can stop them.
    await running.app.services.profiles.setConsent(c.id, 'proactive', true, { channel: 'test', method: 'form' });
    expect(await running.app.services.outbound.send({ customerId: c.id, text: 'Black Friday deals!', purpose: 'marketing' }, noon)).toMatchObject({
      sent: false,
      reason: 'consent_withdrawn',
    });
    await running.app.services.profiles.update(c.id, () => ({ timeZone: 'Asia/Tokyo' }));
    const night = new Date('2026-11-22T14:30:00Z'); // 23:30 in Tokyo
    expect(await running.app.services.outbound.send({ customerId: c.id, text: 'Your parcel ships tomorrow', purpose: 'proactive' }, night)).toMatchObject({
      sent: false,
      reason: 'quiet_hours',
    });
    expect(channel.texts('consent-1').length).toBe(sentBefore);
    const ok = await running.app.services.outbound.send(
      { customerId: c.id, text: 'Your parcel ships tomorrow', purpose: 'proactive' },
      new Date('2026-11-22T03:00:00Z'),
    );
    expect(ok.sent).toBe(true);
    await channel.waitForText('consent-1', /parcel ships tomorrow/);
  });

  test("the customer's own data export leaves out staff's whispers and annotations (review 21)", async () => {
    const sup = await createStaff(running.app, { role: 'supervisor' });
    const agent = await createStaff(running.app, { role: 'agent' });
    await post(
      running.url,
      messageActivity({ conversation: { id: 'export-notes' }, from: { id: 'export-user', name: 'Eve Export' }, text: 'I want to talk to a human' }),
    );
    const eve = (await running.app.store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: 'export-user' }))!;
    const [conv] = await running.app.store.listConversations({ customerId: eve.id });
    await running.app.services.handoff.claim(agent.id, conv.id);
    await running.app.store.appendMessage({ conversationId: conv.id, role: 'agent', kind: 'message', authorId: agent.id, text: 'Hello Eve, let me check' });
    await running.app.store.appendMessage({ conversationId: conv.id, role: 'agent', kind: 'whisper', authorId: agent.id, text: 'WHISPER: difficult one' });
    const annotated = await fetch(`${running.url}/api/transcripts/${conv.id}/annotations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sup.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'ANNOTATION: check the refund' }),
    });
    expect(annotated.status).toBeLessThan(300);
    const res = await fetch(`${running.url}/api/customers/${eve.id}/export`, { headers: { authorization: `Bearer ${sup.token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { conversations: { messages: { text: string; kind: string }[] }[] };
    const texts = body.conversations.flatMap((c) => c.messages.map((m) => m.text));
    expect(texts).toEqual(expect.arrayContaining(['I want to talk to a human', 'Hello Eve, let me check']));
    expect(JSON.stringify(body)).not.toMatch(/WHISPER|ANNOTATION/);
  });

  test("the customer's export keeps staff's profile notes about them, with their time, but not who wrote them", async () => {
    const sup = await createStaff(running.app, { role: 'supervisor', name: 'Nora Notetaker' });
    const agent = await createStaff(running.app, { role: 'agent', name: 'Otto Operative' });
    await post(
      running.url,
      messageActivity({ conversation: { id: 'export-third' }, from: { id: 'export-third', name: 'Tess Third' }, text: 'I want to talk to a human' }),
    );
    const tess = (await running.app.store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: 'export-third' }))!;
    const [conv] = await running.app.store.listConversations({ customerId: tess.id });
    await running.app.services.handoff.claim(agent.id, conv.id);
    await running.app.store.appendMessage({ conversationId: conv.id, role: 'agent', kind: 'message', authorId: agent.id, text: 'Hello Tess' });
    const socket = connect(running.url, sup.token);
    try {
      await connected(socket);
      const r = await request<{ error?: unknown }>(socket, 'customer:update', { customerId: tess.id, addNote: 'NOTE: prefers e-mail' });
      expect(r.error).toBeUndefined();
    } finally {
      socket.close();
    }
    const res = await fetch(`${running.url}/api/customers/${tess.id}/export`, { headers: { authorization: `Bearer ${sup.token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { profile: Customer; conversations: { messages: { text: string }[] }[] };
    const notes = body.profile.attributes.notes as Record<string, unknown>[];
    expect(notes.map((n) => Object.keys(n).sort())).toEqual([['at', 'text']]);
    expect(notes[0].text).toBe('NOTE: prefers e-mail');
    expect(Number.isNaN(Date.parse(String(notes[0].at)))).toBe(false);
    expect(body.conversations.flatMap((c) => c.messages.map((m) => m.text))).toEqual(expect.arrayContaining(['Hello Tess']));
    // Staff ids nowhere; the note's author's name nowhere. (The agent's name stays where the customer was shown it in
    // the chat: "Otto Operative from our team has joined the chat.")
    const text = JSON.stringify(body);
    for (const third of [sup.id, agent.id, 'Nora Notetaker']) expect(text).not.toContain(third);
    expect(JSON.stringify(body.profile)).not.toContain('Otto Operative');
  });

  test("after erasure none of the customer's identifiers or texts can be found by search, export or API; others are untouched", async () => {
    const sup = await createStaff(running.app, { role: 'supervisor' });
    const admin = await createStaff(running.app, { role: 'admin' });
    await post(
      running.url,
      messageActivity({ conversation: { id: 'erase-1' }, from: { id: 'erase-user', name: 'Zoe Quill' }, text: 'my zanzibar parcel, email zoe@example.com' }),
    );
    await post(running.url, messageActivity({ conversation: { id: 'keep-1' }, from: { id: 'keep-user', name: 'Kim Keep' }, text: 'my zanzibar question' }));
    const zoe = (await running.app.store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: 'erase-user' }))!;
    await running.app.services.identity.applyVerifiedContact(zoe.id, { type: 'email', value: 'zoe@example.com' }, 'agent');
    const auth = (t: string) => ({ authorization: `Bearer ${t}` });
    const text = async (path: string) => {
      const r = await fetch(`${running.url}${path}`, { headers: auth(sup.token) });
      expect([path, r.status]).toEqual([path, 200]);
      return r.text();
    };
    const byCustomer = async (customer: string) =>
      (JSON.parse(await text(`/api/transcripts?customer=${encodeURIComponent(customer)}`)) as { items: { conversation: { id: string } }[] }).items.map(
        (i) => i.conversation.id,
      );
    // The Transcripts page's "Customer (name or id)" finds her by name, part of it, any case or accents, and by id.
    const [zoeChat] = await running.app.store.listConversations({ customerId: zoe.id });
    for (const name of ['zoe', 'Zoë Quill', 'QUILL', 'quill zo', zoe.id]) expect([name, await byCustomer(name)]).toEqual([name, [zoeChat.id]]);
    expect(await text('/api/transcripts/export?format=csv&customer=zoe')).toContain(zoeChat.id);
    expect((await fetch(`${running.url}/api/customers/${zoe.id}/erase`, { method: 'POST', headers: auth(sup.token) })).status).toBe(403);
    expect((await fetch(`${running.url}/api/customers/${zoe.id}/erase`, { method: 'POST', headers: auth(admin.token) })).status).toBe(200);
    const hits = (
      (await (await fetch(`${running.url}/api/transcripts/search?q=zanzibar`, { headers: auth(sup.token) })).json()) as { hits: { text: string }[] }
    ).hits;
    expect(hits.map((h) => h.text)).toEqual(['my zanzibar question']);
    // Her old name finds nothing in the customer filter, the transcripts' text search or an export; the id still
    // lists the (erased) conversation, whose rows carry no name.
    for (const name of ['zoe', 'Zoe Quill', 'quill']) expect([name, await byCustomer(name)]).toEqual([name, []]);
    expect(await byCustomer(zoe.id)).toEqual([zoeChat.id]);
    expect(await text('/api/transcripts?q=zoe')).not.toMatch(/zoe|quill/i);
    for (const path of ['/api/transcripts/export?format=csv', '/api/transcripts/export?format=json', `/api/transcripts?customer=${zoe.id}`])
      expect(await text(path)).not.toMatch(/zoe|quill|zanzibar parcel/i);
    expect((await text('/api/transcripts/export?format=csv&customer=zoe')).trim().split('\r\n')).toHaveLength(1);
    expect(await running.app.store.findCustomerByKey({ kind: 'email', value: 'zoe@example.com' })).toBeNull();
    expect(await running.app.store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: 'erase-user' })).toBeNull();
    expect(await running.app.store.searchMessages('zoe')).toEqual([]);
    expect((await fetch(`${running.url}/api/customers/${zoe.id}`, { headers: auth(sup.token) })).status).toBe(404);
    expect((await fetch(`${running.url}/api/customers/${zoe.id}/export`, { headers: auth(sup.token) })).status).toBe(404);
    const raw = JSON.stringify([
      await running.app.store.getCustomer(zoe.id),
      await running.app.store.listConversations({ customerId: zoe.id }),
      ...(await Promise.all((await running.app.store.listConversations({ customerId: zoe.id })).map((c) => running.app.store.listMessages(c.id)))),
    ]);
    for (const secret of ['Zoe', 'zoe@example.com', 'zanzibar', 'erase-user']) expect(raw).not.toContain(secret);
    const audit = await running.app.store.listAudit({ action: 'privacy.erase' });
    expect(JSON.stringify(audit)).not.toMatch(/zoe|Zoe|zanzibar/);
    const kim = (await running.app.store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: 'keep-user' }))!;
    expect(kim.displayName).toBe('Kim Keep');
  });

  test('role checks: an agent gets 403 on supervisor endpoints; a missing customer is 404; malformed queries are 400', async () => {
    const agent = await createStaff(running.app);
    const sup = await createStaff(running.app, { role: 'supervisor' });
    const h = (t: string) => ({ authorization: `Bearer ${t}` });
    for (const path of ['/api/transcripts/search?q=x', '/api/stats?from=2026-01-01&to=2026-12-31', '/api/audit', '/api/customers/x/export']) {
      expect({ path, status: (await fetch(`${running.url}${path}`, { headers: h(agent.token) })).status }).toEqual({ path, status: 403 });
    }
    expect((await fetch(`${running.url}/api/customers/does-not-exist`, { headers: h(agent.token) })).status).toBe(404);
    expect((await fetch(`${running.url}/api/stats?from=yesterday&to=2026-12-31`, { headers: h(sup.token) })).status).toBe(400);
    expect((await fetch(`${running.url}/api/stats?from=2026-12-31&to=2026-01-01`, { headers: h(sup.token) })).status).toBe(400);
    expect((await fetch(`${running.url}/api/transcripts/search?q=x&limit=100000`, { headers: h(sup.token) })).status).toBe(400);
    expect((await fetch(`${running.url}/api/transcripts/search?q[$ne]=x`, { headers: h(sup.token) })).status).toBe(400);
    const stats = await fetch(`${running.url}/api/stats?from=2026-01-01&to=2027-01-01`, { headers: h(sup.token) });
    expect(stats.status).toBe(200);
    expect(((await stats.json()) as { total: number }).total).toBeGreaterThan(0);
  });

  test('supervisors define and edit segment rules; agents may not; they apply on the next profile change', async () => {
    const agent = await createStaff(running.app);
    const sup = await createStaff(running.app, { role: 'supervisor' });
    const put = (token: string, body: unknown) =>
      fetch(`${running.url}/api/segments`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    const current = (await (await fetch(`${running.url}/api/segments`, { headers: { authorization: `Bearer ${agent.token}` } })).json()) as {
      rules: { name: string }[];
    };
    expect(current.rules.map((r) => r.name)).toEqual(['vip', 'influencer', 'at_risk', 'new_customer']);
    const spanishFans = {
      name: 'spanish_fans',
      description: 'Spanish speakers with 500+ followers',
      any: [
        [
          { field: 'language', op: '==', value: 'es' },
          { field: 'followers', op: '>=', value: 500 },
        ],
      ],
    };
    expect((await put(agent.token, { rules: [...current.rules, spanishFans] })).status).toBe(403);
    expect((await put(sup.token, { rules: [{ name: 'x', any: [[{ field: 'salary', op: '>=', value: 1 }]] }] })).status).toBe(400);
    expect((await put(sup.token, { rules: [...current.rules, spanishFans] })).status).toBe(200);
    const c = await running.app.store.createCustomer({ language: 'es' });
    const updated = await running.app.services.profiles.setReach(c.id, 800, 'import');
    expect(updated.segments).toContain('spanish_fans');
    expect(updated.segments).not.toContain('influencer');
    expect((await running.app.store.listAudit({ action: 'segments.update' })).length).toBe(1);
  });
});
