import { mongoTestUri } from '../core/config';

/**
 * Jest does not print console output of a test file whose tests are all skipped, so the reason the MongoDB run
 * of the store contract is skipped is printed here, before and after the run, where nobody can miss it.
 */
export default function skippedNotice(): Promise<void> {
  if (!mongoTestUri()) {
    process.stderr.write(
      '\nStore contract: MongoDB SKIPPED because MONGODB_URI is not set (no MongoDB server can run on this machine). Set MONGODB_URI=mongodb://… to run it.\n',
    );
  }
  return Promise.resolve();
}
