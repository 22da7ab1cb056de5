// Dates as Chinese users write and read them: shown YYYY-MM-DD (months YYYY-MM) on every
// screen and in both languages, typed as people type them (19900307, 1990.3.7, 1990/3/7,
// 1990-3-7, 1990年3月7日), and what a resident ID number says (birth date, sex).

const pad = (n: number) => String(n).padStart(2, "0");

function realDay(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** What a Chinese input method types, as plain ASCII: full-width digits and punctuation
 * (１９９０．３．７), the ideographic full stop (1990。3。7). */
const plain = (text: string) => text.normalize("NFKC").replace(/。/g, ".").trim();

/** A typed date as YYYY-MM-DD, or null when it is not a real date. */
export function parseDate(text: string): string | null {
  const s = plain(text).replace(/[日号]$/, "");
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(s) ?? /^(\d{4})\s*[-./年\s]\s*(\d{1,2})\s*[-./月\s]\s*(\d{1,2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return realDay(y, mo, d) ? `${y}-${pad(mo)}-${pad(d)}` : null;
}

/** A typed month as YYYY-MM, or null. */
export function parseMonth(text: string): string | null {
  const s = plain(text).replace(/月$/, "");
  const m = /^(\d{4})(\d{2})$/.exec(s) ?? /^(\d{4})\s*[-./年\s]\s*(\d{1,2})$/.exec(s);
  if (!m) return null;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  return y >= 1900 && y <= 2100 && mo >= 1 && mo <= 12 ? `${y}-${pad(mo)}` : null;
}

/** A moment as YYYY-MM-DD HH:mm (local time). */
export function dateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The time of day as HH:mm:ss. */
export function clock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Today as YYYY-MM-DD (local time). */
export function today(): string {
  return dateTime(Date.now()).slice(0, 10);
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** The birth date (YYYY-MM-DD) and sex (the `sex` choice's code: "1" male, "2" female) a valid
 * 18-character resident ID number says (GB 11643: check character, a real date); else null. */
export function idFacts(id: string): { birth: string; sex: "1" | "2" } | null {
  const s = id.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(s)) return null;
  const sum = WEIGHTS.reduce((a, w, i) => a + w * Number(s[i]), 0);
  if ("10X98765432"[sum % 11] !== s[17]) return null;
  const [y, m, d] = [Number(s.slice(6, 10)), Number(s.slice(10, 12)), Number(s.slice(12, 14))];
  if (!realDay(y, m, d)) return null;
  return { birth: `${y}-${pad(m)}-${pad(d)}`, sex: Number(s[16]) % 2 === 1 ? "1" : "2" };
}

/** A month (YYYY-MM) or a date (YYYY-MM-DD) as Chinese papers write it: 2012 年 8 月, 2024 年
 * 3 月 1 日; anything else as it is. */
export function chineseDate(v: string): string {
  const m = /^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$/.exec(v);
  if (!m) return v;
  return `${m[1]} 年 ${Number(m[2])} 月${m[3] ? ` ${Number(m[3])} 日` : ""}`;
}
