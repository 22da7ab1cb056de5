// Generated from the Rust types (cargo test -p caiji-tests --test bindings; CAIJI_BLESS=1 to rewrite). Do not edit.
import type { AccountKind, Msg, SubmissionState } from "./protocol";

export type DraftState = "draft" | "finalized" | "queued" | "sent" | "accepted" | "returned" | "failed";

export type Change = { path: string, label: Msg, mine: Msg, theirs: Msg, };

export type Conflict = { revision: number, state: SubmissionState, reason: string | null, 
/**
 * Whether this machine's version may still replace it (not once accepted).
 */
can_keep_mine: boolean, changes: Array<Change>, };

export type SyncStatus = { server: string | null, 
/**
 * The account, its ID number masked.
 */
login: string | null, name: string | null, kind: AccountKind | null, signed_in: boolean, 
/**
 * The account is proven (an activation or reset code); until then the server shows it only
 * what it filed itself.
 */
verified: boolean, 
/**
 * Waiting in the outbox, and the next try of those retried.
 */
queued: number, next_try: number | null, sent: number, returned: number, failed: number, accepted: number, last_sync: number | null, last_error: Msg | null, 
/**
 * When this was read (ms): of two statuses arriving out of order, the later one wins.
 */
taken: number, };

export type SyncReport = { sent: Array<string>, failed: Array<string>, 
/**
 * Still queued, with when they will be tried again.
 */
retrying: Array<[string, number]>, 
/**
 * Drafts whose review result came in.
 */
reviewed: Array<string>, 
/**
 * Filings whose server copy came back (new on this machine, or changed elsewhere).
 */
pulled: Array<string>, 
/**
 * Refused as stale or already accepted: the server's copy is kept to show what changed.
 */
conflicts: Array<string>, 
/**
 * Why the review results could not be pulled (the server could not be reached).
 */
error: Msg | null, };
