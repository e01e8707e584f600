declare module "geoip-country" {
  interface CountryRecord {
    /** ISO 3166-1 alpha-2 code, e.g. "GB". */
    country: string;
    name: string;
  }
  const geoip: { lookup(ip: string): CountryRecord | null };
  export default geoip;
}
