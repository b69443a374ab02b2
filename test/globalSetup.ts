import skippedNotice from './skippedNotice';
import { warmRecognizerCache } from './helpers/sharedRecognizer';

export default async function globalSetup(): Promise<void> {
  await skippedNotice();
  await warmRecognizerCache();
}
