import { summarizeCpuProfile, type CpuProfile } from '../../bench/cpuProfile';

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });

describe('summarizeCpuProfile: where a profile busy time went, start-up left out', () => {
  // root → startup (appOn) → module load; root → turn (bot) → store statement; idle and GC beside them.
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4, 6, 7] },
      { id: 2, callFrame: frame('appOn', 'file:///x/dist/bench/benchKit.js'), children: [3] },
      { id: 3, callFrame: frame('wrapSafe', 'node:internal/modules/cjs/loader') },
      { id: 4, callFrame: frame('onMessage', 'file:///x/dist/bot/supportBot.js'), children: [5] },
      { id: 5, callFrame: frame('insert', 'file:///x/dist/store/sqlite/sqliteConversations.js') },
      { id: 6, callFrame: frame('(idle)') },
      { id: 7, callFrame: frame('(garbage collector)'), children: [8] },
      { id: 8, callFrame: frame('send', 'file:///x/node_modules/botbuilder-core/lib/turnContext.js') },
    ],
    samples: [3, 3, 4, 5, 5, 5, 6, 6, 7, 8],
    timeDeltas: [1000, 1000, 2000, 1000, 1000, 1000, 5000, 5000, 1000, 1000],
  };

  test('self time by area and by function, shares of the busy time only', () => {
    const s = summarizeCpuProfile(profile);
    expect(s.busyMs).toBe(7);
    expect(s.areas).toEqual({ bot: 2, 'store/sqlite': 3, '(garbage collector)': 1, 'botbuilder-core': 1 });
    expect(s.functions[0]).toEqual(['insert store/sqlite/sqliteConversations.js:1', 3]);
    expect(s.functions.map(([name]) => name)).not.toContain('wrapSafe node:internal/modules/cjs/loader:1');
  });

  test('inclusive time counts a sample for every function on its stack, start-up and idle left out', () => {
    const s = summarizeCpuProfile(profile);
    expect(Object.fromEntries(s.inclusive)).toEqual({
      '(root) :1': 7,
      'onMessage bot/supportBot.js:1': 5,
      'insert store/sqlite/sqliteConversations.js:1': 3,
      '(garbage collector) :1': 2,
      'send botbuilder-core/lib/turnContext.js:1': 1,
    });
  });
});
