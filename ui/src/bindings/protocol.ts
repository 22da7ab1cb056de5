// Generated from crates/protocol (cargo test -p caiji-protocol; CAIJI_BLESS=1 to rewrite). Do not edit.

export type Msg = { zh: string, en: string, };

export type ErrorBody = { code: string, message: Msg, details?: unknown, };

export type AccountKind = "person" | "unit" | "authority";

export type SubmissionState = "submitted" | "accepted" | "returned";

export type Decision = "accept" | "return";

export type Health = { ok: boolean, version: string, };

export type Account = { id: string, kind: AccountKind, login: string, name: string, 
/**
 * An authority's region (empty: every region).
 */
region: string, };

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
data?: unknown, };

export type Since = { since: number, };

export type ReviewRequest = { revision: number, decision: Decision, reason?: string, };

export type NameQuery = { name: string, };

export type Uncollected = { name: string, id_number: string, };

export type ChunkQuery = { offset: number, size: number, };

export type BlobStatus = { hash: string, size: number, received: number, complete: boolean, };

export type OffsetDetails = { received: number, size: number, };
