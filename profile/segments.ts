import type { Customer } from '../models/records';

/**
 * Segments: named rules over profile fields and scores, evaluated whenever a profile changes. The defaults
 * below are the shipped set; routing priority (handoff/escalationPolicy.ts) uses 'vip'.
 */
export interface SegmentRule {
  name: string;
  description: string;
  matches(c: Customer, now: number): boolean;
}

const DAY = 86_400_000;

export function averageRecentSentiment(c: Customer, n = 5): number | undefined {
  const recent = c.sentiment.slice(-n);
  return recent.length ? recent.reduce((a, p) => a + p.score, 0) / recent.length : undefined;
}

export const DEFAULT_SEGMENTS: SegmentRule[] = [
  { name: 'vip', description: 'lifetime value ≥ 5,000 or tagged vip', matches: (c) => c.lifetimeValue >= 5000 || c.tags.includes('vip') },
  { name: 'influencer', description: 'reach ≥ 10,000 followers', matches: (c) => c.reach.followers >= 10_000 },
  {
    name: 'at_risk',
    description: 'average sentiment of the last 5 messages ≤ −0.3, or last rating ≤ 2',
    matches: (c) => (averageRecentSentiment(c) ?? 0) <= -0.3 || (typeof c.attributes.lastRating === 'number' && c.attributes.lastRating <= 2),
  },
  { name: 'new_customer', description: 'first seen in the last 30 days, at most one conversation', matches: (c, now) => now - Date.parse(c.firstSeenAt) <= 30 * DAY && c.engagement.conversations <= 1 },
];

export function evaluateSegments(c: Customer, rules: readonly SegmentRule[] = DEFAULT_SEGMENTS, now = Date.now()): string[] {
  // Segments set by hand (not one of the rules) are kept.
  const ruleNames = new Set(rules.map((r) => r.name));
  const manual = c.segments.filter((s) => !ruleNames.has(s));
  return [...manual, ...rules.filter((r) => r.matches(c, now)).map((r) => r.name)];
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
