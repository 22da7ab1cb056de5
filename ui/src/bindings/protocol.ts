// Generated from crates/protocol (cargo test -p caiji-protocol; CAIJI_BLESS=1 to rewrite). Do not edit.

export type Msg = { zh: string, en: string, };

export type ErrorBody = { code: string, message: Msg, details?: unknown, };

export type AccountKind = "person" | "unit" | "authority";

export type SubmissionState = "submitted" | "accepted" | "returned";

export type Decision = "accept" | "return";

export type CodePurpose = "activate" | "reset";

export type Health = { ok: boolean, version: string, };

export type Account = { id: string, kind: AccountKind, login: string, name: string, 
/**
 * An authority's region (empty: every region).
 */
region: string, 
/**
 * Whether the account is proven to be the person or unit its login names (an activation
 * or reset code from its unit or a reviewing authority). Until then it sees only what it
 * filed itself.
 */
verified: boolean, };

export type RegisterRequest = { kind: AccountKind, login: string, password: string, name: string, };

export type LoginRequest = { login: string, password: string, };

export type Session = { token: string, expires: number, account: Account, };

export type SubmitRequest = { form: string, form_version: number, data: unknown, 
/**
 * For an edit: the revision this one replaces.
 */
replaces?: number, };

export type Receipt = { uuid: string, form: string, revision: number, state: SubmissionState, reason: string | null, digest: string, updated: number, 
/**
 * The person's ID number, masked.
 */
person: string, 
/**
 * The filing's data (a single filing fetched, the server's copy of a stale edit).
 */
data?: unknown, 
/**
 * Who filed it (the review queue).
 */
filer?: Filer, };

export type Since = { since: number, };

export type ReviewRequest = { revision: number, decision: Decision, reason?: string, };

export type NameQuery = { name: string, };

export type Uncollected = { name: string, id_number: string, };

export type ChunkQuery = { offset: number, size: number, };

export type BlobStatus = { hash: string, size: number, received: number, complete: boolean, };

export type OffsetDetails = { received: number, size: number, };

export type IssueCodeRequest = { login: string, purpose: CodePurpose, };

export type IssuedCode = { 
/**
 * Ten characters in two groups (`K7Q3M-9XPA2`); case, spaces and dashes do not matter.
 */
code: string, login: string, purpose: CodePurpose, expires: number, };

export type VerifyRequest = { code: string, };

export type ResetRequest = { login: string, code: string, password: string, };

export type Filer = { kind: AccountKind, login: string, name: string, verified: boolean, };

export type QuotaDetails = { used: number, quota: number, };

export type Baseline = { good_to: number | null, };

export type Standing = { 
/**
 * The ID number, masked.
 */
person: string, year: number, 
/**
 * `active`, `non_active`, `changed` or `unknown` (not enough information).
 */
status: string, status_name: Msg, 
/**
 * What an `unknown` judgement lacks.
 */
missing: Msg | null, good_to: number | null, 
/**
 * The 管理地区 (`15`, a 盟市 `1501`, a 旗县 `150102`, 自治区直属 `1500`), when the record says.
 */
authority: string | null, 
/**
 * Collection is on the record.
 */
collected: boolean, years_of_work: number | null, 
/**
 * The years are a lower bound: a later year of the 履历 no record here settles.
 */
years_at_least: boolean, 
/**
 * What is owed this year.
 */
obligations: Array<Msg>, };
