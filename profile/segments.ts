import type { Customer } from '../models/records';

import { z } from 'zod';

/**
 * Segments: named rules over profile fields and scores, evaluated whenever a profile changes and used by
 * routing priority (VIP_SEGMENTS). A rule matches when any of its groups matches, and a group when all of its
 * conditions hold. Supervisors edit the rules (GET/PUT /api/segments); these are the defaults.
 */
export const SEGMENT_FIELDS = [
  'lifetimeValue',
  'followers',
  'engagementScore',
  'reachScore',
  'avgSentiment',
  'lastRating',
  'conversations',
  'daysSinceFirstSeen',
  'tag',
  'language',
] as const;

/** Fields holding text: compared whole (language) or by membership (tag); every other field is a number. */
const TEXT_OPS: Partial<Record<(typeof SEGMENT_FIELDS)[number], readonly string[]>> = { tag: ['has'], language: ['==', 'has'] };

/** A condition that can match: a number compared with a number, a tag by `has`, a language by a two-letter code. */
const Condition = z
  .object({ field: z.enum(SEGMENT_FIELDS), op: z.enum(['>=', '<=', '>', '<', '==', 'has']), value: z.union([z.number().finite(), z.string().max(100)]) })
  .strict()
  .superRefine((c, ctx) => {
    const text = TEXT_OPS[c.field];
    const problem = text
      ? !text.includes(c.op)
        ? `${c.field} takes ${text.join(' or ')}, not ${c.op}`
        : typeof c.value !== 'string' || !c.value.trim()
          ? `${c.field} is compared with text, not ${JSON.stringify(c.value)}`
          : c.field === 'language' && !/^[a-z]{2}$/.test(c.value)
            ? `language is a two-letter code in lower case ("en"), not ${JSON.stringify(c.value)}`
            : undefined
      : c.op === 'has'
        ? `${c.field} is a number: compare it with >=, <=, >, < or ==, not has`
        : typeof c.value !== 'number'
          ? `${c.field} is a number: compare it with a number, not ${JSON.stringify(c.value)}`
          : undefined;
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `never matches: ${problem}` });
  });
export const SegmentRuleSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower case letters, digits and _'),
    description: z.string().max(300).optional(),
    any: z.array(z.array(Condition).min(1).max(10)).min(1).max(10),
  })
  .strict();
export const SegmentRulesSchema = z
  .array(SegmentRuleSchema)
  .max(50)
  .refine((rules) => new Set(rules.map((r) => r.name)).size === rules.length, 'rule names must be unique');
export type SegmentRule = z.infer<typeof SegmentRuleSchema>;

export const DEFAULT_SEGMENTS: SegmentRule[] = [
  {
    name: 'vip',
    description: 'lifetime value ≥ 5,000 or tagged vip',
    any: [[{ field: 'lifetimeValue', op: '>=', value: 5000 }], [{ field: 'tag', op: 'has', value: 'vip' }]],
  },
  { name: 'influencer', description: 'reach ≥ 10,000 followers', any: [[{ field: 'followers', op: '>=', value: 10_000 }]] },
  {
    name: 'at_risk',
    description: 'average sentiment of the last 5 messages ≤ −0.3, or last rating ≤ 2',
    any: [[{ field: 'avgSentiment', op: '<=', value: -0.3 }], [{ field: 'lastRating', op: '<=', value: 2 }]],
  },
  {
    name: 'new_customer',
    description: 'first seen in the last 30 days, at most one conversation',
    any: [
      [
        { field: 'daysSinceFirstSeen', op: '<=', value: 30 },
        { field: 'conversations', op: '<=', value: 1 },
      ],
    ],
  },
];

const DAY = 86_400_000;

/** The average of the record's recent scores (Customer.recentSentiment: the newest 5 of the history). */
export function averageRecentSentiment(c: Customer): number | undefined {
  const recent = c.recentSentiment;
  return recent.length ? recent.reduce((a, score) => a + score, 0) / recent.length : undefined;
}

function fieldValue(c: Customer, field: (typeof SEGMENT_FIELDS)[number], now: number): number | string | string[] | undefined {
  switch (field) {
    case 'lifetimeValue':
      return c.lifetimeValue;
    case 'followers':
      return c.reach.followers;
    case 'engagementScore':
      return c.engagement.score;
    case 'reachScore':
      return c.reach.score;
    case 'avgSentiment':
      return averageRecentSentiment(c);
    case 'lastRating':
      return typeof c.attributes.lastRating === 'number' ? c.attributes.lastRating : undefined;
    case 'conversations':
      return c.engagement.conversations;
    case 'daysSinceFirstSeen':
      return (now - Date.parse(c.firstSeenAt)) / DAY;
    case 'tag':
      return c.tags;
    case 'language':
      return c.language;
  }
}

function holds(c: Customer, cond: SegmentRule['any'][number][number], now: number): boolean {
  const v = fieldValue(c, cond.field, now);
  if (v === undefined) return false;
  if (Array.isArray(v)) return cond.op === 'has' && v.includes(String(cond.value));
  if (cond.op === 'has' || cond.op === '==') return v === cond.value;
  if (typeof v !== 'number' || typeof cond.value !== 'number') return false;
  return cond.op === '>=' ? v >= cond.value : cond.op === '<=' ? v <= cond.value : cond.op === '>' ? v > cond.value : v < cond.value;
}

export function evaluateSegments(c: Customer, rules: readonly SegmentRule[] = DEFAULT_SEGMENTS, now = Date.now()): string[] {
  // Segments set by hand (not one of the rules) are kept.
  const ruleNames = new Set(rules.map((r) => r.name));
  const manual = c.segments.filter((s) => !ruleNames.has(s) && !DEFAULT_SEGMENTS.some((d) => d.name === s));
  return [...manual, ...rules.filter((r) => r.any.some((group) => group.every((cond) => holds(c, cond, now)))).map((r) => r.name)];
}

/**
 * Engagement 0–100 = 50 × recency (e^(−days since last contact / 30)) + 30 × frequency (min(1, conversations / 10))
 * + 20 × satisfaction (last rating / 5, or 0.5 when never rated).
 */
export function engagementScore(c: Customer, now = Date.now()): number {
  const last = c.engagement.lastContactAt ? Date.parse(c.engagement.lastContactAt) : Date.parse(c.firstSeenAt);
  const recency = Math.exp(-Math.max(0, now - last) / DAY / 30);
  const frequency = Math.min(1, c.engagement.conversations / 10);
  const rating = typeof c.attributes.lastRating === 'number' ? c.attributes.lastRating / 5 : 0.5;
  return Math.round(50 * recency + 30 * frequency + 20 * rating);
}

/** Reach 0–100 = 20 × log10(1 + followers), capped: 10 followers ≈ 21, 10k ≈ 80, 100k and more = 100. */
export function reachScore(followers: number): number {
  return Math.min(100, Math.round(20 * Math.log10(1 + Math.max(0, followers))));
}
