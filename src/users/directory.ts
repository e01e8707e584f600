/** A slice of a list the server pages, and the length of the whole list. */
export interface Page<T> {
  items: T[];
  total: number;
}

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
  /** Online user ids from `offset` (at most `limit`, longest online first), and how many are online. */
  onlinePage(offset: number, limit: number): Promise<Page<string>>;
  onlineCount(): Promise<number>;
  /** Users waiting for a match from `offset` (at most `limit`, longest waiting first), except `exceptId`, and their total. */
  waitingPage(offset: number, limit: number, exceptId: string): Promise<Page<WaitingUser>>;
  waitingCount(): Promise<number>;
  /** Live chat rooms, and the people connected to them. */
  chats(): Promise<{ rooms: number; people: number }>;
  matchesInLastHour(): Promise<number>;
}
