import fs from 'node:fs';
import path from 'node:path';

/**
 * Handoff owns conversation state (issue 14): only handoff/ (transition()) and store/ (the compare-and-set it calls)
 * may write a conversation's state or owner. This scans every other source module for the ways one could.
 */
const ROOT = path.join(__dirname, '..', '..');
const OWNERS = ['handoff', 'store'];
/** Files that build fixtures in a bare store, never at run time of the product; each with why. */
const FIXTURES: Record<string, string> = {
  'bench/relayStore.ts': 'a store micro-bench: it holds 200 chats in a bare store of another build, with no handoff service',
};
const SKIP = ['node_modules', 'dist', 'data', 'test', 'coverage', 'test-artifacts', ...OWNERS];

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return /\.(ts|tsx|mjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** The text of the call's arguments, from its opening parenthesis to the matching one. */
function argumentsAt(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

/** Splits an argument list at its top-level commas. */
function topLevel(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < args.length; i++) {
    const ch = args[i];
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      out.push(args.slice(start, i));
      start = i + 1;
    }
  }
  out.push(args.slice(start));
  return out;
}

/** Whether an object literal in `fields` spreads another object into itself (which could carry a state). */
function spreadsIntoObject(fields: string): boolean {
  const open: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const ch = fields[i];
    if ('([{'.includes(ch)) open.push(ch);
    else if (')]}'.includes(ch)) open.pop();
    else if (fields.startsWith('...', i) && open[open.length - 1] === '{') return true;
  }
  return false;
}

/** Every place in `text` that writes a conversation's state or owner, as `line: what`. */
export function stateWrites(text: string): string[] {
  const found: string[] = [];
  const line = (i: number) => text.slice(0, i).split('\n').length;
  // The store's compare-and-set methods for state: transition() is their one caller.
  for (const m of text.matchAll(/\.\s*(setConversationState|claimConversation)\s*\(/g)) found.push(`${line(m.index)}: ${m[1]}`);
  // Writes that take a conversation's fields (updateConversation's patch is its second argument): none may carry
  // a state or an owner.
  for (const m of text.matchAll(/\.\s*(updateConversation|getOrCreateConversation|importRecords)\s*\(/g)) {
    const args = topLevel(argumentsAt(text, m.index + m[0].length - 1));
    const fields = m[1] === 'updateConversation' ? args[1] : args[0];
    if (/\b(state|agentId)\s*:/.test(fields ?? '') || spreadsIntoObject(fields ?? '')) found.push(`${line(m.index)}: ${m[1]} with a state or owner`);
  }
  // A cast around the patch type, raw SQL, or the Mongo model reached directly.
  for (const m of text.matchAll(
    /\bas\s+(ConversationPatch|OwnerPatch)\b|UPDATE\s+conversations|\.Conversation\s*\.\s*(updateOne|updateMany|findOneAndUpdate|replaceOne|bulkWrite)/gi,
  )) {
    found.push(`${line(m.index)}: ${m[0]}`);
  }
  return found;
}

describe("only handoff/ and store/ write a conversation's state", () => {
  test('the scan finds each way of writing state (it is not vacuous)', () => {
    expect(
      stateWrites(`await this.d.store.updateConversation(c.id, { state: 'bot', tags: c.tags.filter((x) => x !== 'a') }, { states: ['closed'] });`),
    ).toHaveLength(1);
    expect(stateWrites(`await store.updateConversation(id, { agentId: null } as any)`)).toHaveLength(1);
    expect(stateWrites(`await store.updateConversation(id, { ...patch })`)).toHaveLength(1);
    expect(stateWrites(`store.claimConversation({ conversationId, agentId, fromStates: ['queued'], maxActive: 1 })`)).toHaveLength(1);
    expect(stateWrites(`store\n  .setConversationState({ conversationId, to: 'closed', fromStates: ['agent'] })`)).toHaveLength(1);
    expect(stateWrites(`store.getOrCreateConversation({ channelId, channelConversationId, customerId, reference, state: 'queued' })`)).toHaveLength(1);
    expect(stateWrites(`const p = { tags } as ConversationPatch;`)).toHaveLength(1);
    expect(stateWrites(`db.prepare("update conversations set state = 'bot'")`)).toHaveLength(1);
    expect(stateWrites(`this.m.Conversation.updateOne({ _id }, { $set: { state: 'bot' } })`)).toHaveLength(1);
    // What other modules legitimately do.
    expect(stateWrites(`await this.store.updateConversation(c.id, { tags: [...new Set(tags)] }, { states: ['agent'], agentId: user.id });`)).toEqual([]);
    expect(stateWrites(`await this.d.handoff.reopen(conversation.id); if (conversation.state === 'closed') return;`)).toEqual([]);
  });

  test("no module outside handoff/ and store/ writes a conversation's state or owner", () => {
    const folders = fs
      .readdirSync(ROOT, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SKIP.includes(e.name))
      .map((e) => e.name);
    expect(folders).toEqual(expect.arrayContaining(['bot', 'profile', 'review', 'api', 'agent-console', 'app', 'dialogs']));
    const offences = folders
      .flatMap(sources)
      .filter((file) => !(file in FIXTURES))
      .flatMap((file) => stateWrites(fs.readFileSync(path.join(ROOT, file), 'utf8')).map((w) => `${file}:${w}`));
    expect(offences).toEqual([]);
  });
});
