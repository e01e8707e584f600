/**
 * Short-lived memory of guest entry, shared by every process when Redis is configured:
 * which solved challenges were already used (so a solution is good once), and how many
 * recent strikes (refusals, reports, bans) an address or a device has. Every call costs
 * a fixed number of operations, never a read of the whole ledger.
 */
export interface EntryLedger {
  /** Marks a challenge used until `expiresAtMs`; false when it already was (a replay). */
  claim(challengeId: string, expiresAtMs: number): Promise<boolean>;
  /** Adds one strike to each key, forgotten `windowMs` after the key's first strike. */
  strike(keys: readonly string[], windowMs: number): Promise<void>;
  /** The most strikes any of these keys has. */
  strikes(keys: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

/** Ledger keys for an address and a device; a device id is the client's word, an address is not. */
export function entryKeys(who: { ip?: string | null | undefined; deviceId?: string | null | undefined }): string[] {
  const keys: string[] = [];
  if (who.ip) keys.push(`ip:${who.ip}`);
  if (who.deviceId) keys.push(`device:${who.deviceId}`);
  return keys;
}
