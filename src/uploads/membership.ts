/**
 * Who is in a live chat. The uploads code only needs this question answered; the
 * realtime side answers it, so routes never depend on rooms.
 */
export interface ChatMembership {
  /** The two user ids of a live chat room, or null when there is no such room (any more). */
  membersOf(roomId: string): Promise<readonly [string, string] | null>;
}
