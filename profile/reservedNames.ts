/**
 * Names a customer may not take (channel display names, the web chat's `from.name`, "call me …"): whatever passes
 * for the bot, staff or the company in a transcript, the console or an export. Compared on a skeleton (nameSkeleton.ts)
 * that folds case, accents, full-width and mathematical forms, invisible characters, look-alike letters of every
 * script and digits written for letters, so "Ѕupp0rt", "Admın", "Sᴜpervisor", "Agenŧ" and "S u p p o r t" are the
 * role words they pass for. Only names whose skeleton meets a reserved one are refused; none is altered. Framework-free.
 */
import { latinWords, mixedWordsDropped, mixesScripts, nameSkeleton, withinOneEdit } from './nameSkeleton';

export { nameSkeleton } from './nameSkeleton';

/** Roles and teams, as single words of the skeleton (English and Spanish). */
const ROLE_WORDS = [
  'support',
  'agent',
  'bot',
  'chatbot',
  'admin',
  'administrator',
  'staff',
  'system',
  'moderator',
  'operator',
  'helpdesk',
  'assistant',
  'supervisor',
  'representative',
  'soporte',
  'agente',
  'administrador',
  'sistema',
  'asistente',
  'operador',
  'representante',
];
/** Roles written in several words ("customer service"), compared with the words run together. */
const ROLE_PHRASES = ['customerservice', 'customersupport', 'customercare', 'helpdesk', 'atencionalcliente', 'servicioalcliente'];

/**
 * Bidirectional controls (embeddings, overrides, isolates, marks): they reorder what a name shows, so
 * "\u202Enimda adA" reads "Ada admin". Names are kept without them (withoutBidi) and compared as stored and as shown.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

export function withoutBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/**
 * A staff name is passed for by its skeleton, or, for a name with a word mixing Latin letters and letters of another
 * script ("Sam Stafferд"), by that name with the other script's letters dropped from those words, within one letter
 * of a staff name (of five letters or more): no real name mixes scripts inside a word, so the mix is the mark of a
 * look-alike and a near miss is enough. Names wholly in one script, any script (Łukasz, Александр, 山田太郎), keep
 * the exact comparison: "Sam Stafford" is someone else.
 */
function passesForStaff(name: string, staff: ReadonlySet<string>, joined = nameSkeleton(name).join('')): boolean {
  if (staff.has(joined)) return true;
  if (!mixesScripts(name)) return false;
  const dropped = mixedWordsDropped(name);
  for (const s of staff) if (dropped === s || (s.length >= 5 && withinOneEdit(dropped, s))) return true;
  return false;
}

const fold = (words: readonly string[]) => words.join(' ');
const ROLES = new Set(ROLE_WORDS.map((w) => fold(nameSkeleton(w))));
const PHRASES = ROLE_PHRASES.map((p) => fold(nameSkeleton(p)));

/** What else is reserved besides the roles: the company's name (COMPANY_NAME) and the staff accounts' names. */
export interface ReservedNameSources {
  companyName?: string;
  /** The staff names as last read (for what is shown: cheap, may lag an account made by another process). */
  staffNames: () => Iterable<string>;
  /** The staff names read from the store now (for what is kept: an account made a moment ago anywhere counts). */
  freshStaffNames?: () => Promise<Iterable<string>>;
}

export class ReservedNames {
  constructor(private readonly sources: ReservedNameSources = { staffNames: () => [] }) {}

  /**
   * True when the name passes for us: a role word among its words, or the whole name run together is one ("S u p p
   * o r t"), or it holds a role phrase ("Customer Service") or the company's name; or it is a staff account's name.
   */
  isReserved(name: string): boolean {
    // An override shows the letters reversed: the name is also compared as read (a reversal covers the whole-name case).
    if (withoutBidi(name) !== name && this.isReserved([...withoutBidi(name)].reverse().join(''))) return true;
    return this.reservedAsStored(name);
  }

  private reservedAsStored(name: string): boolean {
    const words = nameSkeleton(name);
    if (words.length === 0) return false;
    const joined = words.join('');
    // Role words among the Latin runs of every word, split at case changes ("AcmeSupport") and not ("Ada AdmIn").
    const latin = latinWords(words);
    const roleWord = (w: string) => ROLES.has(w);
    if (latin.some(roleWord) || ROLES.has(latin.join(''))) return true;
    if (/\p{Ll}\p{Lu}/u.test(name) && latinWords(nameSkeleton(name, false)).some(roleWord)) return true;
    if (PHRASES.some((p) => joined.includes(p))) return true;
    const company = this.sources.companyName ? nameSkeleton(this.sources.companyName).join('') : '';
    if (company.length >= 3 && joined.includes(company)) return true;
    return passesForStaff(name, this.staffSkeletons(), joined);
  }

  /**
   * The check before a name is kept: as isReserved, with the staff names read from the store at this moment, so an
   * account another process (usersCli, another instance) created a second ago is already reserved. Names are given
   * rarely ("call me …", a verified name): one read of the staff accounts each time is the price of never keeping
   * one. A first contact reads them with the turn's own read instead (isReservedAmong).
   */
  async isReservedNow(...names: string[]): Promise<boolean> {
    if (names.some((n) => this.isReserved(n))) return true;
    const reserved = await this.checkerNow();
    return names.some(reserved);
  }

  /** isReservedNow against staff names the caller has just read from the store (a bot turn's readTurn). */
  isReservedAmong(staffNow: Iterable<string>, ...names: string[]): boolean {
    return names.some(this.checkerWith(staffNow));
  }

  /** isReservedNow for many names (an import's rows): the staff accounts are read once. */
  async checkerNow(): Promise<(name: string) => boolean> {
    return this.checkerWith(this.sources.freshStaffNames ? await this.sources.freshStaffNames() : []);
  }

  private checkerWith(staffNow: Iterable<string>): (name: string) => boolean {
    const staff = new Set([...staffNow].map((n) => nameSkeleton(n).join('')));
    // As stored, and as shown where bidi controls reverse it (as isReserved).
    const asShown = (name: string) => (withoutBidi(name) !== name ? [name, [...withoutBidi(name)].reverse().join('')] : [name]);
    return (name) => this.isReserved(name) || asShown(name).some((n) => passesForStaff(n, staff));
  }

  private staffSeen?: Iterable<string>;
  private staffSet = new Set<string>();
  /** The staff names' skeletons, computed again only when the list changes (a new list each time: StaffNames). */
  private staffSkeletons(): Set<string> {
    const list = this.sources.staffNames();
    if (list !== this.staffSeen) {
      this.staffSet = new Set([...list].map((n) => nameSkeleton(n).join('')));
      this.staffSeen = list;
    }
    return this.staffSet;
  }

  /** The name, or undefined where it is reserved (the customer is then shown as a visitor of their channel). */
  allowed(name: string | undefined): string | undefined {
    return name && !this.isReserved(name) ? name : undefined;
  }
}

/**
 * The staff accounts' names, for ReservedNames: read from the store at start, re-read at most once a minute when
 * asked (in the background: a turn never waits for it), and told of accounts created here at once.
 */
export class StaffNames {
  private names: string[] = [];
  private readAt = 0;
  private reading = false;

  constructor(
    private readonly store: { listUsers(): Promise<{ name: string }[]> },
    private readonly maxAgeMs = 60_000,
  ) {}

  async load(): Promise<void> {
    this.names = (await this.store.listUsers()).map((u) => u.name);
    this.readAt = Date.now();
  }

  /** The names as the store holds them now (the cached list is replaced too, so what is shown catches up). */
  async fresh(): Promise<readonly string[]> {
    await this.load();
    return this.names;
  }

  added(name: string): void {
    // A new list, never the old one changed: ReservedNames recomputes its skeletons when the list is another.
    this.names = [...this.names, name];
  }

  current(): readonly string[] {
    // Re-read in the background; this answer is the list as it stands.
    if (!this.reading && Date.now() - this.readAt > this.maxAgeMs) {
      this.reading = true;
      this.load()
        .catch(() => undefined)
        .finally(() => (this.reading = false));
    }
    return this.names;
  }
}
