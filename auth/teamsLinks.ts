import { AppError } from '../core/errors';
import type { Store } from '../store/store';

/** Entra ID tenant and object ids are GUIDs. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TeamsIdentity {
  tenantId: string;
  objectId: string;
}

interface Link {
  userId: string;
  linkedAt: string;
  linkedBy?: string;
}

const key = (i: TeamsIdentity) => `crm/teams-link/${i.tenantId.toLowerCase()}/${i.objectId.toLowerCase()}`;

/**
 * Which console account a Teams user is: bound to the immutable (tenant id, object id) pair of their Entra ID
 * account, linked once by an admin (users CLI or POST /api/users/:id/teams-link). Never inferred from an e-mail
 * claim: upn, preferred_username and email can be set by a tenant's own admins to anything (the "nOAuth" class).
 * Kept in the store's key-value state.
 */
export class TeamsLinks {
  constructor(private readonly store: Store) {}

  static parse(tenantId: unknown, objectId: unknown): TeamsIdentity {
    if (typeof tenantId !== 'string' || !GUID.test(tenantId)) throw new AppError('VALIDATION_FAILED', 'tenantId must be an Entra ID tenant id (a GUID)');
    if (typeof objectId !== 'string' || !GUID.test(objectId)) throw new AppError('VALIDATION_FAILED', 'objectId must be an Entra ID object id (a GUID)');
    return { tenantId: tenantId.toLowerCase(), objectId: objectId.toLowerCase() };
  }

  async userFor(identity: TeamsIdentity): Promise<string | undefined> {
    const k = key(identity);
    const link = (await this.store.readState([k]))[k]?.value as Partial<Link> | undefined;
    return typeof link?.userId === 'string' ? link.userId : undefined;
  }

  /** Links a Teams identity to a staff account; refused when it already belongs to another account. Audited. */
  async link(userId: string, identity: TeamsIdentity, actorId?: string): Promise<void> {
    const user = await this.store.getUser(userId);
    if (!user) throw new AppError('NOT_FOUND', 'no such user');
    const current = await this.userFor(identity);
    if (current && current !== userId) throw new AppError('STORE_CONFLICT', 'this Teams account is linked to another console account; unlink it first');
    const link: Link = { userId, linkedAt: new Date().toISOString(), linkedBy: actorId };
    await this.store.writeState(key(identity), { ...link });
    await this.store.appendAudit({ actorId, action: 'user.teams_link', targetType: 'user', targetId: userId, data: { tenantId: identity.tenantId } });
  }

  async unlink(userId: string, identity: TeamsIdentity, actorId?: string): Promise<void> {
    if ((await this.userFor(identity)) !== userId) throw new AppError('NOT_FOUND', 'no such link');
    await this.store.deleteState([key(identity)]);
    await this.store.appendAudit({ actorId, action: 'user.teams_unlink', targetType: 'user', targetId: userId, data: { tenantId: identity.tenantId } });
  }
}
