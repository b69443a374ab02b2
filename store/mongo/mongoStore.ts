import { GuardedStore } from '../guardedStore';
import { MongoEngine, type MongoOptions } from './mongoEngine';

/** The production store: MongoDB through mongoose (see store/README.md for the deployment it needs). */
export class MongoStore extends GuardedStore {
  declare protected readonly engine: MongoEngine;

  constructor(uri: string, options: MongoOptions = {}) {
    super(new MongoEngine(uri, options));
  }

  /** Test helper: drops every collection of this store's database and builds its schema again. */
  dropAll(): Promise<void> {
    return this.engine.dropAll();
  }
}
