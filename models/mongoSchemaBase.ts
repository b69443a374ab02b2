import { Schema } from 'mongoose';

/**
 * Mongoose schemas and indexes for the MongoDB store, split by aggregate: mongoRecordSchemas.ts (customers,
 * conversations, messages), mongoStaffSchemas.ts (staff, sessions, audit, bot state, merges, settings, corpus),
 * mongoJobSchemas.ts (leases, the outbox, attachments, rollups, the schema version); mongoSchemas.ts registers them.
 * Documents use our own string ids as _id (the same ids the embedded store uses) and ISO-8601 strings for times,
 * so records are identical in both stores. Each document keeps the record as `doc` (the record types in records.ts
 * are the contract) beside the fields that are queried and indexed. Indexes are built by the store's migration step
 * (store/mongo/mongoMigrations.ts), never at start-up.
 */
export const opts = { versionKey: false, strict: true, minimize: false, autoIndex: false, autoCreate: false } as const;
export const Mixed = Schema.Types.Mixed;
