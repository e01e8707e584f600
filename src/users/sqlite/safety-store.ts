import type { DatabaseSync } from "node:sqlite";
import type { Ban, Report, ReportCategory, ReportedMessage, SafetyStore } from "../safety-store.ts";
import { newId } from "./database.ts";

interface ReportRow {
  id: string;
  reporter_id: string;
  reported_id: string;
  category: string;
  reason: string | null;
  messages: string;
  room_id: string | null;
  reporter_ip: string | null;
  reporter_device: string | null;
  created_at: number;
}

interface BanRow {
  user_id: string;
  until: number;
  reason: string;
  by: string;
  created_at: number;
}

const toReport = (row: ReportRow): Report => ({
  id: row.id,
  reporterId: row.reporter_id,
  reportedId: row.reported_id,
  category: row.category as ReportCategory,
  reason: row.reason,
  messages: JSON.parse(row.messages) as ReportedMessage[],
  roomId: row.room_id,
  reporterIp: row.reporter_ip,
  reporterDeviceId: row.reporter_device,
  createdAt: new Date(row.created_at),
});

const toBan = (row: BanRow): Ban => ({
  userId: row.user_id,
  until: new Date(row.until),
  reason: row.reason,
  by: row.by,
  createdAt: new Date(row.created_at),
});

export function sqliteSafetyStore(db: DatabaseSync): SafetyStore {
  const statements = {
    block: db.prepare("INSERT OR IGNORE INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)"),
    unblock: db.prepare("DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?"),
    blockedEitherWay: db.prepare(
      `SELECT blocked_id AS id FROM blocks WHERE blocker_id = ?
       UNION SELECT blocker_id AS id FROM blocks WHERE blocked_id = ?`,
    ),
    addReport: db.prepare(
      `INSERT INTO reports (id, reporter_id, reported_id, category, reason, messages, room_id, reporter_ip, reporter_device, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    reportsAgainst: db.prepare("SELECT * FROM reports WHERE reported_id = ? ORDER BY created_at"),
    reportsBy: db.prepare("SELECT * FROM reports WHERE reporter_id = ? ORDER BY created_at DESC LIMIT ?"),
    recentReports: db.prepare("SELECT * FROM reports WHERE created_at < ? ORDER BY created_at DESC LIMIT ?"),
    reportById: db.prepare("SELECT * FROM reports WHERE id = ?"),
    deleteReport: db.prepare("DELETE FROM reports WHERE id = ?"),
    deleteReportsBefore: db.prepare(
      "DELETE FROM reports WHERE id IN (SELECT id FROM reports WHERE created_at < ? ORDER BY created_at LIMIT ?)",
    ),
    evidencedReporters: db.prepare(
      `SELECT reporter_id, reporter_ip, reporter_device FROM reports
       WHERE reported_id = ? AND created_at >= ? AND messages <> '[]' ORDER BY created_at LIMIT ?`,
    ),
    ban: db.prepare(
      `INSERT INTO bans (user_id, until, reason, by, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET until = excluded.until, reason = excluded.reason,
         by = excluded.by, created_at = excluded.created_at`,
    ),
    unban: db.prepare("DELETE FROM bans WHERE user_id = ?"),
    activeBan: db.prepare("SELECT * FROM bans WHERE user_id = ? AND until > ?"),
    shadow: db.prepare(
      `INSERT INTO shadow_pool (user_id, since, until) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET
         since = CASE WHEN shadow_pool.until > excluded.since THEN shadow_pool.since ELSE excluded.since END,
         until = MAX(shadow_pool.until, excluded.until)`,
    ),
    inShadowPool: db.prepare("SELECT 1 FROM shadow_pool WHERE user_id = ? AND until > ?"),
    shadowPool: db.prepare("SELECT user_id, since, until FROM shadow_pool WHERE until > ? ORDER BY since DESC, user_id LIMIT ? OFFSET ?"),
    shadowPoolSize: db.prepare("SELECT COUNT(*) AS total FROM shadow_pool WHERE until > ?"),
    recordDevice: db.prepare(
      `INSERT INTO devices (user_id, device_id, user_agent, ip, country, last_seen) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id, device_id) DO UPDATE SET user_agent = excluded.user_agent, ip = excluded.ip,
         country = excluded.country, last_seen = excluded.last_seen`,
    ),
    latestDeviceOf: db.prepare("SELECT device_id, ip FROM devices WHERE user_id = ? ORDER BY last_seen DESC LIMIT 1"),
    activeBanOfDevice: db.prepare(
      `SELECT bans.* FROM devices JOIN bans ON bans.user_id = devices.user_id
       WHERE devices.device_id = ? AND bans.until > ? ORDER BY bans.until DESC LIMIT 1`,
    ),
  };

  return {
    async block(blockerId, blockedId) {
      statements.block.run(blockerId, blockedId, Date.now());
    },
    async unblock(blockerId, blockedId) {
      return Number(statements.unblock.run(blockerId, blockedId).changes) > 0;
    },
    async blockedEitherWay(userId) {
      return (statements.blockedEitherWay.all(userId, userId) as Array<{ id: string }>).map((row) => row.id);
    },
    async addReport(input) {
      const report: Report = { ...input, id: newId(), createdAt: new Date() };
      statements.addReport.run(
        report.id,
        report.reporterId,
        report.reportedId,
        report.category,
        report.reason,
        JSON.stringify(report.messages),
        report.roomId,
        report.reporterIp,
        report.reporterDeviceId,
        report.createdAt.getTime(),
      );
      return report;
    },
    async reportsAgainst(userId) {
      return (statements.reportsAgainst.all(userId) as unknown as ReportRow[]).map(toReport);
    },
    async reportsBy(userId, limit) {
      return (statements.reportsBy.all(userId, limit) as unknown as ReportRow[]).map(toReport);
    },
    async recentReports({ before, limit }) {
      const rows = statements.recentReports.all(before?.getTime() ?? Number.MAX_SAFE_INTEGER, limit);
      return (rows as unknown as ReportRow[]).map(toReport);
    },
    async reportById(id) {
      const row = statements.reportById.get(id) as ReportRow | undefined;
      return row ? toReport(row) : null;
    },
    async deleteReport(id) {
      return Number(statements.deleteReport.run(id).changes) > 0;
    },
    async deleteReportsBefore(cutoff, limit) {
      return Number(statements.deleteReportsBefore.run(cutoff.getTime(), limit).changes);
    },
    async evidencedReporters(userId, since, limit) {
      const rows = statements.evidencedReporters.all(userId, since.getTime(), limit) as unknown as Array<
        Pick<ReportRow, "reporter_id" | "reporter_ip" | "reporter_device">
      >;
      return rows.map((row) => ({ reporterId: row.reporter_id, reporterIp: row.reporter_ip, reporterDeviceId: row.reporter_device }));
    },
    async ban(userId, until, reason, by) {
      const ban: Ban = { userId, until, reason, by, createdAt: new Date() };
      statements.ban.run(userId, until.getTime(), reason, by, ban.createdAt.getTime());
      return ban;
    },
    async unban(userId) {
      return Number(statements.unban.run(userId).changes) > 0;
    },
    async activeBan(userId, now) {
      const row = statements.activeBan.get(userId, now.getTime()) as BanRow | undefined;
      return row ? toBan(row) : null;
    },
    async shadow(userId, until) {
      statements.shadow.run(userId, Date.now(), until.getTime());
    },
    async inShadowPool(userId, now) {
      return statements.inShadowPool.get(userId, now.getTime()) !== undefined;
    },
    async shadowPool(now, offset, limit) {
      const rows = statements.shadowPool.all(now.getTime(), limit, offset) as Array<{ user_id: string; since: number; until: number }>;
      const { total } = statements.shadowPoolSize.get(now.getTime()) as { total: number };
      return { users: rows.map((row) => ({ userId: row.user_id, since: new Date(row.since), until: new Date(row.until) })), total };
    },
    async recordDevice(device) {
      statements.recordDevice.run(
        device.userId,
        device.deviceId,
        device.userAgent,
        device.ip,
        device.country,
        Date.now(),
      );
    },
    async latestDeviceOf(userId) {
      return (statements.latestDeviceOf.get(userId) as { device_id: string } | undefined)?.device_id ?? null;
    },
    async latestDevice(userId) {
      const row = statements.latestDeviceOf.get(userId) as { device_id: string; ip: string | null } | undefined;
      return row ? { deviceId: row.device_id, ip: row.ip } : null;
    },
    async activeBanOfDevice(deviceId, now) {
      const row = statements.activeBanOfDevice.get(deviceId, now.getTime()) as BanRow | undefined;
      return row ? toBan(row) : null;
    },
  };
}
