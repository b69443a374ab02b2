import type { BotStateDoc, ConversationDoc, CustomerDoc } from '../../models/mongoSchemas';
import type { StateEntry } from '../../models/records';
import type { EngineTurns } from '../storeEngine';
import type { TurnSnapshot } from '../storeTypes';
import type { MongoContext } from './mongoContext';
import { toConversation } from './mongoConversations';
import type { MongoMessages } from './mongoMessages';

type Part =
  | ({ kind: 'conversation' } & Pick<ConversationDoc, 'doc' | 'lastSeq'>)
  | ({ kind: 'customer' } & Pick<CustomerDoc, 'doc'>)
  | ({ kind: 'state' } & Pick<BotStateDoc, '_id' | 'etag' | 'value'>)
  | { kind: 'staff'; names?: string[] };

/**
 * A bot turn's reads as one request: the conversation by its channel ids, the customer by identity key and the
 * dialog state by key, each an indexed lookup in its own collection, joined with $unionWith (MongoDB 4.4+); and,
 * when asked, the staff accounts' names only if no customer holds the key (staffBranch).
 */
export class MongoTurns implements EngineTurns {
  constructor(
    private readonly x: MongoContext,
    private readonly messages: MongoMessages,
  ) {}

  readTurn(key: string, channelId: string, channelConversationId: string, stateKeys: readonly string[], staffNames: boolean): Promise<TurnSnapshot> {
    return this.x.wrap(async () => {
      const parts = await this.x.m.Conversation.aggregate<Part>([
        { $match: { channelId, channelConversationId } },
        { $limit: 1 },
        { $project: { _id: 0, kind: { $literal: 'conversation' }, doc: 1, lastSeq: 1 } },
        // The partial index on keys serves only a query that contains its filter expression (mongoCustomers.ts byKey).
        {
          $unionWith: {
            coll: 'customers',
            pipeline: [{ $match: customerByKey(key) }, { $limit: 1 }, { $project: { _id: 0, kind: { $literal: 'customer' }, doc: 1 } }],
          },
        },
        ...(staffNames ? [staffBranch(key)] : []),
        ...(stateKeys.length
          ? [
              {
                $unionWith: {
                  coll: 'bot_state',
                  pipeline: [{ $match: { _id: { $in: [...stateKeys] } } }, { $project: { kind: { $literal: 'state' }, etag: 1, value: 1 } }],
                },
              },
            ]
          : []),
      ]);
      const snapshot: TurnSnapshot = { customer: null, conversation: null, state: {} };
      const state: Record<string, StateEntry> = snapshot.state;
      for (const p of parts) {
        if (p.kind === 'conversation') {
          snapshot.conversation = toConversation(p);
          // The turn's appends start from here, without reading the conversation again.
          this.messages.prime(p.doc.id, p.lastSeq, p.doc.channelId);
        } else if (p.kind === 'customer') snapshot.customer = p.doc;
        else if (p.kind === 'staff') snapshot.staffNames = p.names ?? [];
        else state[p._id] = { etag: p.etag, value: p.value };
      }
      return snapshot;
    });
  }
}

const customerByKey = (key: string) => ({ keys: key, 'keys.0': { $exists: true } });

/**
 * The staff accounts' names, read only when no customer holds the key (a first contact): the same indexed lookup of
 * the key, then $facet, which outputs exactly one document even from no input ({ found: [] }), kept only when the
 * key found nothing; only then does $lookup read the users. For a known customer the branch yields nothing and
 * reads no user.
 */
function staffBranch(key: string) {
  return {
    $unionWith: {
      coll: 'customers',
      pipeline: [
        { $match: customerByKey(key) },
        { $limit: 1 },
        { $facet: { found: [{ $project: { _id: 1 } }] } },
        { $match: { found: { $size: 0 } } },
        { $lookup: { from: 'users', pipeline: [{ $project: { _id: 0, name: '$doc.name' } }], as: 'staff' } },
        { $project: { kind: { $literal: 'staff' }, names: '$staff.name' } },
      ],
    },
  };
}
