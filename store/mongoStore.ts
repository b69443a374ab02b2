/** Kept so imports written before the engines moved to store/mongo/ still resolve. */
export { MongoStore } from './mongo/mongoStore';
