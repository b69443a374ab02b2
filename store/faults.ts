/**
 * Where a test may make a store fail between two writes that belong together (the contract suite's repair
 * tests). The embedded store makes such writes in one transaction, so a fault there rolls everything back;
 * MongoDB makes them as separate single-document writes, so a fault leaves the first one done and the
 * store's repair (and the retry of the failed call) must bring the second one about.
 */
export type FaultPoint =
  /** A message is stored; the conversation's sequence counter and running sentiment are not moved yet. */
  | 'message.afterInsert'
  /** A conversation changed owner or state; the agents' capacity slots are not updated yet. */
  | 'conversation.afterWrite'
  /** A capacity slot is reserved for a claim; the conversation is not given to the agent yet. */
  | 'claim.afterReserve'
  /**
   * MongoDB only (the embedded store marks dirty days in the record's own transaction, by triggers): the days of
   * records just written, or of the dashboard changes read from conversations, are about to be marked stale.
   */
  | 'rollup.beforeMark'
  /** MongoDB only: changed days are marked stale; the conversations that recorded the changes are not cleared yet. */
  | 'rollup.beforeClear'
  /** MongoDB only: a claimed day is recomputed from the records; the result is not stored (nor the claim given back). */
  | 'rollup.beforeStore';

/** Throws to inject a failure at `point`; called by the engines in production too (then it does nothing). */
export type FaultHook = (point: FaultPoint) => void;

export const noFaults: FaultHook = () => undefined;
