/**
 * The synthetic community: member `index` → a VK-shaped profile, generated on demand from
 * `Rng.forKey(seed, index)` so any page can be produced without generating (or holding)
 * the others. Calibration constants and the true model come from `truth.ts`
 * (docs/synthetic-community.md), the model's coding from src/followers/spec.ts.
 *
 * Records share their nested objects (city, university, faculty, occupation) with other
 * records: they are frozen, read them only.
 *
 * Time: last-seen times are ages before a reference time `referenceSec` (unix seconds).
 * The generator itself is pure: the same (seed, index, referenceSec) always gives the same
 * profile. The emulator chooses the reference time (see index.ts).
 */
import type { CovariateSource } from '../followers/spec';
import { Rng, hash32 } from '../util/rng';
import { Picker } from './fast/picker';
import { City, FirstName, cumulative, loadCities, loadFirstNames } from './reference-data';
import * as T from './truth';

/**
 * A fixed reference time (2026-11-01T00:00:00Z) for callers that want byte-identical
 * communities regardless of the wall clock (`startEmulator({ now: () => GENERATOR_EPOCH_SEC * 1000 })`).
 * The emulator itself defaults to the wall clock at start (see `EmulatorOptions.now`).
 */
export const GENERATOR_EPOCH_SEC = Date.UTC(2026, 10, 1) / 1000;

/** Member ids: increasing with the index, with gaps, so `sort=id_asc` paging is meaningful. */
export const ID_BASE = 100_000;
export const ID_STRIDE = 97;
/** Largest index whose id still fits a signed 32-bit integer (the snapshot's id column). */
export const MAX_INDEX = Math.floor((2_147_483_647 - ID_BASE) / ID_STRIDE) - 1;

export function idOfIndex(seed: number, index: number): number {
  return ID_BASE + index * ID_STRIDE + (hash32(seed ^ 0x5bd1e995, index) % ID_STRIDE);
}

/** The index of a member id, or -1 if no index generates this id. */
export function indexOfId(seed: number, id: number): number {
  if (!Number.isInteger(id) || id < ID_BASE) return -1;
  const index = Math.floor((id - ID_BASE) / ID_STRIDE);
  return index <= MAX_INDEX && idOfIndex(seed, index) === id ? index : -1;
}

export interface University {
  id: number;
  name: string;
}
export interface Occupation {
  type: 'work' | 'university' | 'school';
  id?: number;
  name: string;
}

/** Everything about one member, compact; serialize.ts's field table turns it into a VK user object. */
export interface MemberRecord {
  index: number;
  id: number;
  /** 0 live, 1 deleted, 2 banned. */
  deactivated: 0 | 1 | 2;
  sex: 0 | 1 | 2;
  firstName: string;
  lastName: string;
  isClosed: boolean;
  canAccessClosed: boolean;
  /** "D.M.YYYY", "D.M", or null (hidden). */
  bdate: string | null;
  city: City | null;
  countryId: number;
  countryTitle: string | null;
  hasPhoto: boolean;
  photoKey: number;
  /** Unix seconds of the last visit (also known for hidden last_seen; then only the status shows). */
  lastSeen: number;
  platform: number;
  lastSeenShown: boolean;
  online: boolean;
  followers: number;
  canSendFriendRequest: boolean;
  canWritePrivateMessage: boolean;
  canSeeAllPosts: boolean;
  relation: number;
  university: University | null;
  faculty: { id: number; name: string } | null;
  graduation: number;
  educationForm: string | null;
  educationStatus: string | null;
  occupation: Occupation | null;
  verified: boolean;
  /** A live bot (truth only: nothing in the user object says so). */
  bot: boolean;
  /** `has_mobile`: a confirmed phone number (live profiles). */
  hasMobile: boolean;
  /** `status` text; null: the key is left out ("" is an empty status, which VK sends). */
  status: string | null;
}

// ---------------------------------------------------------------- small reference lists

/** Surnames in the masculine form; feminine forms follow Russian rules in `feminine`. */
const SURNAMES =
  `Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков
Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров
Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев
Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов
Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков
Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов
Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин Исаев
Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв Голубев Кудрявцев
Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов
Никифоров Грачёв Котов Гришин Ефремов Архипов Громов Кириллов Малышев Панов Моисеев Румянцев Акимов
Кондратьев Бирюков Горбунов Анисимов Ерёмин Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов
Нестеров Симонов Прокофьев Харитонов Князев Цветков Левин Митрофанов Воронцов Аксёнов Софронов
Мальцев Логинов Горшков Савин Краснов Майоров Демидов Елисеев Рыбаков Сафонов Плотников Дёмин Хохлов
Фадеев Молчанов Игнатов Литвинов Ершов Ушаков Дементьев Рябов Мухин Калашников Леонтьев Лобанов
Кузин Корнеев Евдокимов Бородин Платонов Некрасов Балашов Бобров Жданов Блинов Игнатьев Коротков Муравьёв
Крюков Беляков Богомолов Дроздов Лавров Зуев Петухов Ларин Никулин Серов Терентьев Зотов Устинов Фокин
Самойлов Константинов Сахаров Шишкин Самсонов Черкасов Чистяков Носов Спиридонов Карасёв Авдеев
Воронов Зиновьев Лапин Шестаков Гуляев Вишняков Мамонтов Сазонов Шубин Гусаров Ковальчук Шевченко
Бондаренко Кравченко Ткаченко Коваленко Мельник Ким Цой Пак Вайнштейн Рабинович Гарипов Хабибуллин
Сафин Гайнуллин Зарипов Мухаметов Алиев Мамедов Гасанов Магомедов Абдуллаев Оганесян Петросян Саркисян
Вишневский Ковальский Островский Покровский Успенский Троицкий Вознесенский Брянцев Толстой Полевой Луговой`
    .split(/\s+/)
    .filter(Boolean);

function feminine(surname: string): string {
  if (/(ов|ев|ёв|ин|ын)$/.test(surname)) return surname + 'а';
  if (/(ский|цкий)$/.test(surname)) return surname.slice(0, -2) + 'ая';
  if (/ой$/.test(surname)) return surname.slice(0, -2) + 'ая';
  return surname; // Шевченко, Ким, Мельник, Алиев… (Алиев → Алиева is handled by the first rule)
}

/** `feminine` of every surname, computed once: three regex tests per member otherwise. */
const SURNAMES_FEMININE: readonly string[] = SURNAMES.map(feminine);

const UNIVERSITY_ID_BASE = 9_000_001;
/** Universities (project-assigned ids 9000001+: we could not confirm VK's ids). */
const UNIVERSITIES: readonly University[] = [
  'МГУ',
  'СПбГУ',
  'МГТУ им. Н. Э. Баумана',
  'НИУ ВШЭ',
  'МГИМО',
  'МФТИ',
  'РУДН',
  'КФУ',
  'УрФУ',
  'НГУ',
  'ТГУ',
  'ЮФУ',
  'РЭУ им. Г. В. Плеханова',
  'Финансовый университет',
  'НИЯУ МИФИ',
  'ИТМО',
  'СПбПУ',
  'ДВФУ',
  'СФУ',
  'ННГУ им. Н. И. Лобачевского',
  'ВолГУ',
  'ВГУ',
  'СамГУ',
  'БашГУ',
  'ПГНИУ',
  'ОмГУ',
  'ЧелГУ',
  'КубГУ',
  'РГГУ',
  'МПГУ',
].map((name, i) => Object.freeze({ id: UNIVERSITY_ID_BASE + i, name }));
const FACULTIES: readonly string[] = [
  'Экономический факультет',
  'Юридический факультет',
  'Факультет журналистики',
  'Исторический факультет',
  'Филологический факультет',
  'Механико-математический факультет',
  'Физический факультет',
  'Факультет менеджмента',
  'Факультет информационных технологий',
  'Медицинский факультет',
  'Факультет психологии',
  'Факультет международных отношений',
  'Химический факультет',
  'Биологический факультет',
];
const COMPANIES: readonly string[] = [
  'ПАО Сбербанк',
  'ОАО «РЖД»',
  'Яндекс',
  'Газпром',
  'Ростелеком',
  'Магнит',
  'X5 Group',
  'Почта России',
  'МТС',
  'Аэрофлот',
  'ВТБ',
  'Росатом',
  'Лукойл',
  'Билайн',
  'Ozon',
  'Wildberries',
  'Самозанятый',
  'ИП',
  'Администрация города',
  'Городская больница',
  'Школа',
  'Детский сад',
  'Вооружённые силы РФ',
  'Пенсионер',
];
// Nested objects built once and shared by every record that has them (frozen: read-only).
const FACULTY_OBJECTS: readonly { id: number; name: string }[] = FACULTIES.map((name, i) =>
  Object.freeze({ id: 9_100_001 + i, name }),
);
const WORK_OCCUPATIONS: readonly Occupation[] = COMPANIES.map((name) =>
  Object.freeze({ type: 'work' as const, name }),
);
const UNIVERSITY_OCCUPATIONS: readonly Occupation[] = UNIVERSITIES.map((u) =>
  Object.freeze({ type: 'university' as const, id: u.id, name: u.name }),
);
const SCHOOL_OCCUPATIONS: (Occupation | undefined)[] = new Array(2001).fill(undefined);
function schoolOccupation(n: number): Occupation {
  if (!(n >= 0 && n < SCHOOL_OCCUPATIONS.length))
    return Object.freeze({ type: 'school' as const, id: 9_200_000 + n, name: `Школа № ${n}` });
  return (SCHOOL_OCCUPATIONS[n] ??= Object.freeze({
    type: 'school' as const,
    id: 9_200_000 + n,
    name: `Школа № ${n}`,
  }));
}

/**
 * Profile statuses (`status`), generic phrases of the kinds VK users write. Only their
 * length reaches the snapshot; one carries an emoji (two UTF-16 units, one code point).
 */
const STATUSES: readonly string[] = [
  'Живу здесь и сейчас',
  'Всё будет хорошо',
  'На связи',
  'Работаю',
  'Не беспокоить',
  'Люблю свою семью',
  'Море зовёт 🌊',
  'Кто ищет, тот найдёт',
  'Счастье любит тишину',
  'Москва',
  'Всё сложно',
  'Спорт — это жизнь',
  'Ничего не вечно',
  'Путешествую',
  'Мама двоих детей',
  'Читаю новости',
  'Улыбайтесь чаще',
  'Без комментариев',
  'Жизнь прекрасна',
  'Пишите в личку',
  'Скоро отпуск',
  'Учусь',
  '...',
  'Добро пожаловать на мою страницу',
];

const EDUCATION_FORMS = ['Очное отделение', 'Заочное отделение'] as const;
/** Studying, master's graduate, specialist graduate; by the member's sex (VK words them by it). */
const EDUCATION_STATUSES = {
  female: ['Студентка (бакалавр)', 'Выпускница (магистр)', 'Выпускница (специалист)'],
  male: ['Студент (бакалавр)', 'Выпускник (магистр)', 'Выпускник (специалист)'],
} as const;

/** "D.M" birthdays (no year), built once each. */
const SHORT_BDATES: (string | undefined)[] = new Array(13 * 32).fill(undefined);
function shortBdate(day: number, month: number): string {
  return (SHORT_BDATES[month * 32 + day] ??= `${day}.${month}`);
}

const COUNTRY_TITLES: Readonly<Record<number, string>> = {
  1: 'Россия',
  2: 'Украина',
  3: 'Беларусь',
  4: 'Казахстан',
  5: 'Азербайджан',
  6: 'Армения',
  7: 'Грузия',
  11: 'Кыргызстан',
  12: 'Латвия',
  13: 'Литва',
  14: 'Эстония',
  15: 'Молдова',
  16: 'Таджикистан',
  18: 'Узбекистан',
};
const FOREIGN_COUNTRIES = [2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, 18];

// ---------------------------------------------------------------- precomputed tables

interface Tables {
  cities: City[];
  cityCum: Picker;
  femaleNames: FirstName[];
  femaleCum: Picker;
  maleNames: FirstName[];
  maleCum: Picker;
  /** `r_first_name` of each name in `femaleNames` / `maleNames` (truth.ts `nameEffects`), by position. */
  femaleEffect: Float64Array;
  maleEffect: Float64Array;
  platformsActive: { codes: number[]; cum: Float64Array };
  platformsInactive: { codes: number[]; cum: Float64Array };
  relationCum: Float64Array;
  /** RELATION_WEIGHTS without "not set" (0): a bot's relation when it states one. */
  relationSetCum: Float64Array;
  /** Cumulative daily-rhythm density per minute of the UTC day (1440 entries). */
  minuteCum: Picker;
  nameEffects: ReadonlyMap<string, number>;
}

let tablesCache: Tables | undefined;
function tables(): Tables {
  if (tablesCache) return tablesCache;
  const cities = loadCities();
  const cityWeight = (c: City): number =>
    c.populationK *
    (c.id === 1
      ? T.CITY_BOOST_MOSCOW
      : c.id === 2
        ? T.CITY_BOOST_SAINT_PETERSBURG
        : c.countryId !== 1
          ? T.CITY_BOOST_ABROAD
          : 1);
  const names = loadFirstNames();
  const femaleNames = names.filter((n) => n.sex === 1);
  const maleNames = names.filter((n) => n.sex === 2);
  const platforms = (w: Readonly<Record<number, number>>): { codes: number[]; cum: Float64Array } => {
    const codes = Object.keys(w)
      .map(Number)
      .sort((a, b) => a - b);
    return { codes, cum: cumulative(codes.map((c) => w[c])) };
  };
  // Sampling a minute from a table is one binary search, vs ~3 rejected cos/exp draws.
  const minuteWeights: number[] = [];
  for (let m = 0; m < 1440; m++) minuteWeights.push(dailyDensity((m + 0.5) / 60));
  tablesCache = {
    cities,
    cityCum: new Picker(cumulative(cities.map(cityWeight))),
    femaleNames,
    femaleCum: new Picker(cumulative(femaleNames.map((n) => n.weight))),
    maleNames,
    maleCum: new Picker(cumulative(maleNames.map((n) => n.weight))),
    femaleEffect: Float64Array.from(femaleNames, (n) => T.nameEffects().get(n.name) ?? 0),
    maleEffect: Float64Array.from(maleNames, (n) => T.nameEffects().get(n.name) ?? 0),
    platformsActive: platforms(T.PLATFORM_WEIGHTS_ACTIVE),
    platformsInactive: platforms(T.PLATFORM_WEIGHTS_INACTIVE),
    relationCum: cumulative(T.RELATION_WEIGHTS),
    relationSetCum: cumulative(T.RELATION_WEIGHTS.map((w, code) => (code === 0 ? 0 : w))),
    minuteCum: new Picker(cumulative(minuteWeights)),
    nameEffects: T.nameEffects(),
  };
  return tablesCache;
}

/** Unnormalised density of last-seen hour of day (UTC), per truth.ts. */
export function dailyDensity(hourUtc: number): number {
  const main = Math.exp(
    T.DAILY_PEAK_CONCENTRATION * (Math.cos((2 * Math.PI * (hourUtc - T.DAILY_PEAK_UTC_HOURS)) / 24) - 1),
  );
  const evening = Math.exp(
    T.EVENING_BUMP_CONCENTRATION * (Math.cos((2 * Math.PI * (hourUtc - T.EVENING_BUMP_UTC_HOURS)) / 24) - 1),
  );
  return T.DAILY_BASELINE + main + T.EVENING_BUMP_WEIGHT * evening;
}

// ---------------------------------------------------------------- generation

/**
 * 32-bit uniforms: `Rng.uniform()` spends two raw draws on 53 bits, more than a share or a
 * table pick needs; the generator makes ~40 such draws per member, so this halves their cost.
 */
const U32 = 2.3283064365386963e-10;
const u = (r: Rng): number => r.nextU32() * U32;
const intBelow = (r: Rng, n: number): number => Math.floor(r.nextU32() * U32 * n);
/** The first entry whose cumulative weight exceeds a uniform point of the total (fast/picker.ts does the same in near-constant time). */
export function pick(r: Rng, cum: Float64Array): number {
  const x = r.nextU32() * U32 * cum[cum.length - 1];
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * What the API layer needs of a member source: the generator, or the store a worker fills
 * ahead of the requests (fast/member-store.ts), which answers with the same records.
 */
export interface MemberSource {
  readonly referenceSec: number;
  idOf(index: number): number;
  member(index: number): MemberRecord;
  memberInto(index: number, rec: MemberRecord): MemberRecord;
}

export interface GeneratorOptions {
  seed: number;
  /** Reference time for last_seen (unix seconds). */
  referenceSec: number;
  /** Share of live members that are bots (default truth.ts DEFAULT_BOT_SHARE_OF_LIVE). */
  botShare?: number;
  /**
   * Share of live members whose `followers_count` is a structural zero, whatever the
   * follower model draws: brms's `zi` of a zero-inflated negative binomial (default truth.ts
   * DEFAULT_FOLLOWERS_ZERO_SHARE, 0: the plain negative binomial).
   */
  followersZeroShare?: number;
}

/** Salts of the keyed streams beside the member's own: who is a bot, a bot's profile, whose count is a structural zero. */
const BOT_PICK_SALT = 0x6b07;
const BOT_STREAM_SALT = 0x6b0751;
const ZERO_PICK_SALT = 0x2e70f0;

/** A share in 0..1, for a generator option named `name`. */
function shareOption(name: string, given: number | undefined, fallback: number): number {
  const share = given ?? fallback;
  if (!(Number.isFinite(share) && share >= 0 && share <= 1))
    throw new Error(`generator: ${name} must be a share between 0 and 1, got ${String(given)}`);
  return share;
}

export class CommunityGenerator implements MemberSource {
  readonly seed: number;
  readonly referenceSec: number;
  private readonly refDayStart: number;
  private readonly refYear: number;
  private readonly t: Tables;
  /** "D.M.YYYY" birthdays by (year, month, day), built once each: years lie within 90 of the reference year. */
  private readonly fullBdates: (string | undefined)[] = new Array(91 * 13 * 32).fill(undefined);
  /** Re-seeded per member (`reseedForKey`): the keyed stream without a new generator each time. */
  private readonly rng = new Rng(0);
  private readonly botRng = new Rng(0);
  readonly botShare: number;
  /** A live member is a bot when its pick hash is below this (botShare × 2^32). */
  private readonly botThreshold: number;
  readonly followersZeroShare: number;
  /** A live member's count is a structural zero when its zero hash is below this (followersZeroShare × 2^32). */
  private readonly zeroThreshold: number;

  constructor(opts: GeneratorOptions) {
    if (!Number.isFinite(opts.seed))
      throw new Error(`generator: seed must be a finite number, got ${opts.seed}`);
    if (!Number.isFinite(opts.referenceSec) || opts.referenceSec < 1e9) {
      throw new Error(
        `generator: referenceSec must be unix seconds (got ${opts.referenceSec}); pass Date.now()/1000 or omit it`,
      );
    }
    this.botShare = shareOption('botShare', opts.botShare, T.DEFAULT_BOT_SHARE_OF_LIVE);
    this.botThreshold = this.botShare * 4294967296;
    this.followersZeroShare = shareOption(
      'followersZeroShare',
      opts.followersZeroShare,
      T.DEFAULT_FOLLOWERS_ZERO_SHARE,
    );
    this.zeroThreshold = this.followersZeroShare * 4294967296;
    this.seed = opts.seed | 0;
    this.referenceSec = Math.floor(opts.referenceSec);
    this.refDayStart = Math.floor(this.referenceSec / 86400) * 86400;
    this.refYear = new Date(this.referenceSec * 1000).getUTCFullYear();
    this.t = tables();
  }

  idOf(index: number): number {
    return idOfIndex(this.seed, index);
  }

  indexOf(id: number): number {
    return indexOfId(this.seed, id);
  }

  /**
   * Whether member `index` is a bot if it is live (its own hash against the share, apart
   * from every other draw: the humans' profiles do not depend on the bot share).
   */
  botPick(index: number): boolean {
    return hash32(this.seed ^ BOT_PICK_SALT, index) >>> 0 < this.botThreshold;
  }

  /**
   * Whether member `index`, if live, has a structural zero follower count: its own hash
   * against the share, apart from every other draw, like `botPick`.
   */
  zeroPick(index: number): boolean {
    return hash32(this.seed ^ ZERO_PICK_SALT, index) >>> 0 < this.zeroThreshold;
  }

  /** The member at `index`. Deterministic; draws happen in a fixed order. */
  member(index: number): MemberRecord {
    return this.memberInto(index, emptyRecord());
  }

  /**
   * The member at `index`, written into `rec` (every property is overwritten): lets a
   * serialising loop reuse one record instead of allocating one per member. `rec` is only
   * valid until the next call with it; callers that keep members use `member`.
   */
  memberInto(index: number, rec: MemberRecord): MemberRecord {
    const t = this.t;
    const r = this.rng.reseedForKey(this.seed, index);
    const id = this.idOf(index);

    const uSex = u(r);
    const sex: 0 | 1 | 2 =
      uSex < T.SHARE_SEX_UNKNOWN ? 0 : uSex < T.SHARE_SEX_UNKNOWN + T.SHARE_FEMALE ? 1 : 2;
    const nameSex = sex === 0 ? (u(r) < 0.5 ? 1 : 2) : sex;
    const nameIndex = nameSex === 1 ? t.femaleCum.pick(r) : t.maleCum.pick(r);
    const name = nameSex === 1 ? t.femaleNames[nameIndex] : t.maleNames[nameIndex];
    const surnameIndex = intBelow(r, SURNAMES.length);
    const lastName = nameSex === 1 ? SURNAMES_FEMININE[surnameIndex] : SURNAMES[surnameIndex];

    const uStatus = u(r);
    const deactivated: 0 | 1 | 2 = uStatus < T.SHARE_DELETED ? 1 : uStatus < T.SHARE_DEACTIVATED ? 2 : 0;
    const inactive = deactivated === 0 ? u(r) < T.SHARE_INACTIVE_AMONG_LIVE : true;

    // Every property, in the order of `emptyRecord` (the order JSON.stringify shows).
    rec.index = index;
    rec.id = id;
    rec.deactivated = deactivated;
    rec.sex = sex;
    rec.firstName = deactivated === 1 ? 'DELETED' : name.name;
    rec.lastName = deactivated === 1 ? '' : lastName;
    rec.isClosed = false;
    rec.canAccessClosed = true;
    rec.bdate = null;
    rec.city = null;
    rec.countryId = 0;
    rec.countryTitle = null;
    rec.hasPhoto = false;
    rec.photoKey = 0;
    rec.lastSeen = 0;
    rec.platform = 0;
    rec.lastSeenShown = false;
    rec.online = false;
    rec.followers = 0;
    rec.canSendFriendRequest = false;
    rec.canWritePrivateMessage = false;
    rec.canSeeAllPosts = false;
    rec.relation = 0;
    rec.university = null;
    rec.faculty = null;
    rec.graduation = 0;
    rec.educationForm = null;
    rec.educationStatus = null;
    rec.occupation = null;
    rec.verified = false;
    rec.bot = false;
    rec.hasMobile = false;
    rec.status = null;

    if (deactivated !== 0) {
      // Some deactivated profiles still carry a last_seen (the moment they were last active).
      if (u(r) < 0.15) {
        this.drawLastSeen(r, rec, true);
        rec.lastSeenShown = true;
      }
      return rec;
    }

    // The live profile, in the fixed order of its draws.
    const age = this.drawLiveProfile(r, rec, sex, inactive);
    this.drawEducationAndWork(r, rec, sex, age);
    const modelSex = sex === 0 ? nameSex : sex;
    const nameEffect = nameSex === 1 ? t.femaleEffect[nameIndex] : t.maleEffect[nameIndex];
    this.drawFollowers(r, rec, modelSex, nameEffect);
    rec.hasMobile = u(r) < T.SHARE_HAS_MOBILE_HUMAN;
    rec.status = drawStatus(r, T.STATUS_SHARES_HUMAN);
    if (this.botPick(index)) this.makeBot(index, rec, modelSex, nameEffect);
    // Last, and after every draw: the counts are still drawn, so the zero share leaves the
    // member's streams, its other fields and every other member's count as they are.
    // Bots too: the follower model's truth, zero inflation included, holds for every live member.
    if (this.zeroPick(index)) rec.followers = 0;
    return rec;
  }

  /**
   * Turns a live member drawn as a human into a bot: each profile field is redrawn from
   * BOT_PROFILE, or kept as the human's with probability BOT_HUMAN_LIKENESS, from a stream
   * of its own; then followers are drawn again from the true model with the new covariates
   * (bots follow the same follower model: the model's truth holds for every live member).
   */
  private makeBot(index: number, rec: MemberRecord, modelSex: 1 | 2, nameEffect: number): void {
    const t = this.t;
    const P = T.BOT_PROFILE;
    const r = this.botRng.reseedForKey(this.seed ^ BOT_STREAM_SALT, index);
    const redraw = (): boolean => u(r) >= T.BOT_HUMAN_LIKENESS;
    rec.bot = true;
    if (redraw()) {
      rec.isClosed = u(r) < P.closed;
      rec.canAccessClosed = !rec.isClosed || u(r) < T.SHARE_CLOSED_BUT_ACCESSIBLE;
    }
    if (redraw()) {
      if (u(r) >= P.bdate_shown) rec.bdate = null;
      else if (rec.bdate === null) {
        const age = 18 + intBelow(r, 30);
        rec.bdate = this.fullBdate(1 + intBelow(r, 28), 1 + intBelow(r, 12), this.refYear - age);
      }
    }
    if (redraw()) {
      if (u(r) >= P.city_stated) rec.city = null;
      else if (rec.city === null) {
        const city = t.cities[t.cityCum.pick(r)];
        rec.city = city;
        rec.countryId = city.countryId;
        rec.countryTitle = city.countryTitle;
      }
    }
    if (redraw()) rec.hasPhoto = u(r) < P.has_photo;
    if (redraw()) rec.canSendFriendRequest = u(r) < P.friend_requests_open;
    if (redraw()) rec.canWritePrivateMessage = u(r) < P.messages_open;
    if (redraw()) rec.canSeeAllPosts = rec.canAccessClosed && u(r) < P.wall_visible;
    else rec.canSeeAllPosts &&= rec.canAccessClosed;
    if (redraw()) rec.relation = u(r) < P.relation_not_set ? 0 : pick(r, t.relationSetCum);
    if (redraw()) {
      const x = u(r);
      rec.occupation =
        x < P.occupation.none
          ? null
          : x < P.occupation.none + P.occupation.university
            ? UNIVERSITY_OCCUPATIONS[intBelow(r, UNIVERSITIES.length)]
            : WORK_OCCUPATIONS[intBelow(r, COMPANIES.length)];
    }
    rec.verified = false;
    if (redraw()) rec.hasMobile = u(r) < P.has_mobile;
    if (redraw()) rec.status = drawStatus(r, P.status);
    this.drawFollowers(r, rec, modelSex, nameEffect);
  }

  /** Last seen, privacy, photo, birthday, place and contact settings of a live member; returns the age. */
  private drawLiveProfile(r: Rng, rec: MemberRecord, sex: 0 | 1 | 2, inactive: boolean): number {
    this.drawLastSeen(r, rec, inactive);
    rec.lastSeenShown = u(r) >= T.SHARE_LAST_SEEN_HIDDEN;

    rec.isClosed = u(r) < (sex === 1 ? T.SHARE_CLOSED_PROFILE.female : T.SHARE_CLOSED_PROFILE.male);
    rec.canAccessClosed = !rec.isClosed || u(r) < T.SHARE_CLOSED_BUT_ACCESSIBLE;
    rec.hasPhoto = u(r) < (inactive ? T.SHARE_HAS_PHOTO.inactive : T.SHARE_HAS_PHOTO.active);
    rec.photoKey = r.nextU32();

    const uBdate = u(r);
    const age = Math.round(Math.min(90, Math.max(14, T.AGE_MEAN_YEARS + T.AGE_SD_YEARS * r.normal())));
    const birthYear = this.refYear - age;
    const day = 1 + intBelow(r, 28);
    const month = 1 + intBelow(r, 12);
    if (uBdate < T.BDATE_VISIBILITY.full) rec.bdate = this.fullBdate(day, month, birthYear);
    else if (uBdate < T.BDATE_VISIBILITY.full + T.BDATE_VISIBILITY.no_year)
      rec.bdate = shortBdate(day, month);

    this.drawPlaceAndContacts(r, rec, sex);
    return age;
  }

  /** City or country, and the contact settings, of a live member. */
  private drawPlaceAndContacts(r: Rng, rec: MemberRecord, sex: 0 | 1 | 2): void {
    const t = this.t;
    const sexKey = sex === 1 ? 'female' : sex === 2 ? 'male' : 'unknown';
    if (u(r) < T.SHARE_CITY_STATED[sexKey]) {
      const city = t.cities[t.cityCum.pick(r)];
      rec.city = city;
      rec.countryId = city.countryId;
      rec.countryTitle = city.countryTitle;
    } else if (u(r) < T.SHARE_COUNTRY_ONLY) {
      rec.countryId = u(r) < 0.9 ? 1 : FOREIGN_COUNTRIES[intBelow(r, FOREIGN_COUNTRIES.length)];
      rec.countryTitle = COUNTRY_TITLES[rec.countryId];
    }

    rec.canSendFriendRequest = u(r) >= T.SHARE_FRIEND_REQUESTS_CLOSED;
    rec.canWritePrivateMessage =
      u(r) >= (rec.isClosed ? T.SHARE_MESSAGES_CLOSED.closed_profile : T.SHARE_MESSAGES_CLOSED.open_profile);
    rec.canSeeAllPosts = rec.canAccessClosed && u(r) >= T.SHARE_WALL_HIDDEN_OPEN_PROFILE;
    rec.relation = pick(r, t.relationCum);
  }

  /** University and occupation of a live member of `age`. */
  private drawEducationAndWork(r: Rng, rec: MemberRecord, sex: 0 | 1 | 2, age: number): void {
    const birthYear = this.refYear - age;
    if (age >= 17 && u(r) < T.SHARE_UNIVERSITY_STATED) {
      rec.university = UNIVERSITIES[intBelow(r, UNIVERSITIES.length)];
      rec.faculty = FACULTY_OBJECTS[intBelow(r, FACULTIES.length)];
      const graduation = birthYear + 22 + intBelow(r, 3);
      rec.graduation = u(r) < 0.15 ? 0 : graduation;
      rec.educationForm = EDUCATION_FORMS[u(r) < 0.8 ? 0 : 1];
      const studying = graduation > this.refYear;
      const s = EDUCATION_STATUSES[sex === 1 ? 'female' : 'male'];
      rec.educationStatus = studying ? s[0] : u(r) < 0.2 ? s[1] : s[2];
    }
    const uOcc = u(r);
    if (uOcc < T.SHARE_OCCUPATION.work) {
      rec.occupation = WORK_OCCUPATIONS[intBelow(r, COMPANIES.length)];
    } else if (uOcc < T.SHARE_OCCUPATION.work + T.SHARE_OCCUPATION.university) {
      rec.occupation =
        UNIVERSITY_OCCUPATIONS[
          rec.university ? rec.university.id - UNIVERSITY_ID_BASE : intBelow(r, UNIVERSITIES.length)
        ];
    } else if (uOcc < T.SHARE_OCCUPATION.work + T.SHARE_OCCUPATION.university + T.SHARE_OCCUPATION.school) {
      rec.occupation = schoolOccupation(1 + intBelow(r, 2000));
    }
    rec.verified = u(r) < T.SHARE_VERIFIED;
  }

  /** followers_count of a live member; `modelSex` is the sex the model sees (the name's for sex 0). */
  private drawFollowers(r: Rng, rec: MemberRecord, modelSex: 1 | 2, nameEffect: number): void {
    // followers_count ~ NB2(exp(eta), shape), eta from the covariates as the API shows them:
    // `modelCovariates(visibleCovariateSource(rec))`, with the name's sex for sex 0, summed
    // by the same `sumLogMean` as `trueLogMean` (no covariate objects on this hot path).
    const open = !rec.isClosed || rec.canAccessClosed;
    const eta =
      rec.firstName === ''
        ? T.TRUE_B.b_Intercept
        : T.sumLogMean(
            modelSex === 2,
            rec.hasPhoto,
            T.platformEffectOfCode(rec.lastSeenShown ? rec.platform : null),
            rec.isClosed,
            rec.canSendFriendRequest,
            rec.canWritePrivateMessage,
            open && rec.university !== null && rec.university.id > 0,
            T.relationEffectOfCode(open ? rec.relation : null),
            nameEffect,
          );
    rec.followers = r.negBinomial(Math.exp(eta), T.TRUE_SHAPE);
  }

  private fullBdate(day: number, month: number, year: number): string {
    const key = ((this.refYear - year) * 13 + month) * 32 + day;
    if (!(key >= 0 && key < this.fullBdates.length)) return `${day}.${month}.${year}`;
    return (this.fullBdates[key] ??= `${day}.${month}.${year}`);
  }

  private drawLastSeen(r: Rng, rec: MemberRecord, inactive: boolean): void {
    const t = this.t;
    let dayOffset: number;
    if (!inactive && u(r) < T.SHARE_ONLINE_AMONG_ACTIVE) {
      rec.online = true;
      rec.lastSeen = this.referenceSec - intBelow(r, 300);
      const p = t.platformsActive;
      rec.platform = p.codes[pick(r, p.cum)];
      return;
    }
    // Pick the day (weekly rhythm by rejection), then the time of day (daily rhythm, from the minute table).
    for (;;) {
      if (inactive) {
        const [lo, hi] = T.INACTIVE_AGE_DAYS;
        dayOffset = Math.floor(lo * Math.exp(u(r) * Math.log(hi / lo)));
      } else {
        let x = u(r);
        let k = 0;
        while (k < T.ACTIVE_RECENCY.length - 1 && x >= T.ACTIVE_RECENCY[k].share) {
          x -= T.ACTIVE_RECENCY[k].share;
          k++;
        }
        const [lo, hi] = T.ACTIVE_RECENCY[k].days;
        dayOffset = lo + intBelow(r, hi - lo);
      }
      const weekday = (Math.floor(this.refDayStart / 86400) - dayOffset + 4) % 7; // 1970-01-01 was a Thursday
      if (u(r) * 1.0001 < T.WEEKDAY_WEIGHTS[(weekday + 7) % 7]) break;
    }
    const second = t.minuteCum.pick(r) * 60 + intBelow(r, 60);
    let time = this.refDayStart - dayOffset * 86400 + second;
    // Today's draw may land after the reference moment: move it to yesterday (keeps the hour).
    if (time > this.referenceSec - 300) time -= 86400;
    rec.lastSeen = time;
    const p = inactive ? t.platformsInactive : t.platformsActive;
    rec.platform = p.codes[pick(r, p.cum)];
  }
}

/** A `status`: absent (null), empty, or one of STATUSES, with the given shares. */
function drawStatus(r: Rng, shares: { readonly absent: number; readonly empty: number }): string | null {
  const x = u(r);
  if (x < shares.absent) return null;
  if (x < shares.absent + shares.empty) return '';
  return STATUSES[intBelow(r, STATUSES.length)];
}

/**
 * Every shared value a record can hold, in a fixed order (the same in every thread): the
 * member store (fast/member-store.ts) keeps a record as small codes into these lists.
 */
export interface RecordCatalog {
  firstNames: readonly string[];
  lastNames: readonly string[];
  cities: readonly City[];
  countryTitles: readonly string[];
  universities: readonly University[];
  faculties: readonly { id: number; name: string }[];
  occupations: readonly Occupation[];
  educationForms: readonly string[];
  educationStatuses: readonly string[];
  /** "" and every status text. */
  statuses: readonly string[];
}

export function recordCatalog(): RecordCatalog {
  const t = tables();
  return {
    firstNames: ['DELETED', ...t.femaleNames.map((n) => n.name), ...t.maleNames.map((n) => n.name)],
    lastNames: ['', ...SURNAMES, ...SURNAMES_FEMININE],
    cities: t.cities,
    countryTitles: [...Object.values(COUNTRY_TITLES), ...t.cities.map((c) => c.countryTitle)],
    universities: UNIVERSITIES,
    faculties: FACULTY_OBJECTS,
    occupations: [
      ...WORK_OCCUPATIONS,
      ...UNIVERSITY_OCCUPATIONS,
      ...Array.from({ length: SCHOOL_OCCUPATIONS.length }, (_, n) => schoolOccupation(n)),
    ],
    educationForms: EDUCATION_FORMS,
    educationStatuses: [...EDUCATION_STATUSES.female, ...EDUCATION_STATUSES.male],
    statuses: ['', ...STATUSES],
  };
}

/** A record with every property at its "absent" value; `memberInto` fills it. */
export function emptyRecord(): MemberRecord {
  return {
    index: 0,
    id: 0,
    deactivated: 0,
    sex: 0,
    firstName: '',
    lastName: '',
    isClosed: false,
    canAccessClosed: true,
    bdate: null,
    city: null,
    countryId: 0,
    countryTitle: null,
    hasPhoto: false,
    photoKey: 0,
    lastSeen: 0,
    platform: 0,
    lastSeenShown: false,
    online: false,
    followers: 0,
    canSendFriendRequest: false,
    canWritePrivateMessage: false,
    canSeeAllPosts: false,
    relation: 0,
    university: null,
    faculty: null,
    graduation: 0,
    educationForm: null,
    educationStatus: null,
    occupation: null,
    verified: false,
    bot: false,
    hasMobile: false,
    status: null,
  };
}

/**
 * The model's inputs as the API shows them to a caller with `MEMBER_FIELDS`: closed
 * profiles the caller cannot access hide relation and education (so they read as "none").
 */
export function visibleCovariateSource(rec: MemberRecord): CovariateSource {
  const open = !rec.isClosed || rec.canAccessClosed;
  return {
    deactivated: rec.deactivated === 1 ? 'deleted' : rec.deactivated === 2 ? 'banned' : null,
    sex: rec.sex,
    first_name: rec.firstName,
    has_photo: rec.hasPhoto,
    last_seen_platform: rec.lastSeenShown ? rec.platform : null,
    is_closed: rec.isClosed,
    can_send_friend_request: rec.canSendFriendRequest,
    can_write_private_message: rec.canWritePrivateMessage,
    university_id: open && rec.university ? rec.university.id : open ? 0 : null,
    relation: open ? rec.relation : null,
  };
}
