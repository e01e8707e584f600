import geoip from "geoip-country";

/**
 * The ISO country code of a client address, from the offline country database
 * shipped with `geoip-country`; null for private, loopback and unknown addresses.
 */
export function countryOf(ip: string | undefined | null): string | null {
  if (!ip) return null;
  return geoip.lookup(ip)?.country ?? null;
}
