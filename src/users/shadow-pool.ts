/** A user matched only with others of the shadow pool until `until`; nothing tells them. */
export interface ShadowPoolMember {
  userId: string;
  since: Date;
  until: Date;
}

/** What the moderators' console reads of the shadow pool; the pool itself is kept by matchmaking. */
export interface ShadowPoolView {
  /** Current members, longest in the pool first, at most `limit`. */
  members(limit: number): Promise<ShadowPoolMember[]>;
}

/** Until a pool is configured, nobody is in it. */
export const emptyShadowPool: ShadowPoolView = { members: async () => [] };
