import type { Logger } from '../core/logger';
import type { Store } from '../store/store';
import type { AuthService } from './authService';

/** Development only: a fixed password so the printed credentials work on every start. */
export const DEMO_PASSWORD = 'demo-password-2026';

export const DEMO_USERS = [
  { email: 'agent1@demo.local', name: 'Alex Agent', role: 'agent' as const, skills: ['orders', 'billing'], languages: ['en', 'es'], capacity: 3 },
  { email: 'agent2@demo.local', name: 'Blanca Agente', role: 'agent' as const, skills: ['orders'], languages: ['es', 'en'], capacity: 3 },
  { email: 'supervisor@demo.local', name: 'Sam Supervisor', role: 'supervisor' as const, skills: [], languages: ['en', 'es'], capacity: 2 },
  { email: 'admin@demo.local', name: 'Ada Admin', role: 'admin' as const, skills: [], languages: ['en'], capacity: 0 },
];

export async function ensureDemoAccounts(store: Store, auth: AuthService, log: Logger): Promise<void> {
  for (const u of DEMO_USERS) {
    if (!(await store.getUserByEmail(u.email))) await auth.createUser({ ...u, password: DEMO_PASSWORD });
  }
  log.info({ accounts: DEMO_USERS.map((u) => `${u.email} (${u.role})`), password: undefined }, `demo accounts ready; password for all: ${DEMO_PASSWORD}`);
}
