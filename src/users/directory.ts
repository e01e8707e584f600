/** Someone waiting for a match, as others may see them. */
export interface WaitingUser {
  id: string;
  username: string;
  /** When they started waiting, ms since the epoch. */
  since: number;
}

/**
 * Who is around right now, across every process: what the user endpoints read
 * from the realtime side without depending on it.
 */
export interface PeopleDirectory {
  onlineIds(): Promise<string[]>;
  onlineCount(): Promise<number>;
  waiting(): Promise<WaitingUser[]>;
  waitingCount(): Promise<number>;
  /** Live chat rooms, and the people connected to them. */
  chats(): Promise<{ rooms: number; people: number }>;
  matchesInLastHour(): Promise<number>;
}
