import bcrypt from "bcryptjs";

/** bcrypt only reads the first 72 bytes of a password; longer ones are refused rather than silently cut. */
export const MAX_PASSWORD_BYTES = 72;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string | null): Promise<boolean>;
}

export function createPasswordHasher(cost: number): PasswordHasher {
  // Compared against when the account does not exist, so that a wrong email
  // costs as much time as a wrong password and reveals nothing.
  const decoy = bcrypt.hashSync("decoy-password-never-matches", cost);
  return {
    hash: (password) => bcrypt.hash(password, cost),
    async verify(password, hash) {
      if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) return false;
      const matches = await bcrypt.compare(password, hash ?? decoy);
      return matches && hash !== null;
    },
  };
}
