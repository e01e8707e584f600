import mongoose from "mongoose";
import { REPORT_CATEGORIES, type Ban, type Device, type Report, type ReporterMark, type SafetyStore, type ShadowedUser } from "../safety-store.ts";

const blockSchema = new mongoose.Schema(
  { blockerId: { type: String, required: true }, blockedId: { type: String, required: true } },
  { timestamps: { createdAt: true, updatedAt: false } },
);
blockSchema.index({ blockerId: 1, blockedId: 1 }, { unique: true });
blockSchema.index({ blockedId: 1 });

const reportSchema = new mongoose.Schema(
  {
    reporterId: { type: String, required: true },
    reportedId: { type: String, required: true },
    category: { type: String, enum: REPORT_CATEGORIES, required: true },
    reason: { type: String, default: null },
    messages: { type: [mongoose.Schema.Types.Mixed], default: [] },
    roomId: { type: String, default: null },
    reporterIp: { type: String, default: null },
    reporterDeviceId: { type: String, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
reportSchema.index({ reportedId: 1, createdAt: 1 });
reportSchema.index({ reporterId: 1, createdAt: -1 });
reportSchema.index({ createdAt: 1 });

const banSchema = new mongoose.Schema({
  userId: { type: String, required: true, unique: true },
  until: { type: Date, required: true },
  reason: { type: String, required: true },
  by: { type: String, required: true },
  createdAt: { type: Date, required: true },
});

const shadowSchema = new mongoose.Schema({
  userId: { type: String, required: true, unique: true },
  since: { type: Date, required: true },
  until: { type: Date, required: true },
});
shadowSchema.index({ until: 1 });
shadowSchema.index({ since: -1, userId: 1 });

const deviceSchema = new mongoose.Schema({
  userId: { type: String, required: true },
  deviceId: { type: String, required: true },
  userAgent: { type: String, default: null },
  ip: { type: String, default: null },
  country: { type: String, default: null },
  lastSeen: { type: Date, required: true },
});
deviceSchema.index({ userId: 1, deviceId: 1 }, { unique: true });
deviceSchema.index({ deviceId: 1 });
deviceSchema.index({ userId: 1, lastSeen: -1 });

type ReportDocument = Omit<Report, "id"> & { _id: mongoose.Types.ObjectId };
type BanDocument = Ban & { _id: mongoose.Types.ObjectId };

const toReport = ({ _id, ...rest }: ReportDocument): Report => ({
  id: _id.toHexString(),
  ...rest,
  // Reports kept before these fields existed have none.
  reporterIp: rest.reporterIp ?? null,
  reporterDeviceId: rest.reporterDeviceId ?? null,
});
const toBan = (doc: BanDocument): Ban => ({
  userId: doc.userId,
  until: doc.until,
  reason: doc.reason,
  by: doc.by,
  createdAt: doc.createdAt,
});

export async function mongoSafetyStore(connection: mongoose.Connection): Promise<SafetyStore> {
  const Blocks = connection.model("Block", blockSchema);
  const Reports = connection.model<ReportDocument>("Report", reportSchema);
  const Bans = connection.model<BanDocument>("Ban", banSchema);
  const Devices = connection.model<Device & { lastSeen: Date }>("Device", deviceSchema);
  const Shadows = connection.model<ShadowedUser>("ShadowedUser", shadowSchema);
  await Promise.all([Blocks, Reports, Bans, Devices, Shadows].map((model) => model.createIndexes()));

  return {
    async block(blockerId, blockedId) {
      await Blocks.updateOne({ blockerId, blockedId }, { $setOnInsert: { blockerId, blockedId } }, { upsert: true });
    },
    async unblock(blockerId, blockedId) {
      return (await Blocks.deleteOne({ blockerId, blockedId })).deletedCount > 0;
    },
    async blockedEitherWay(userId) {
      const rows = await Blocks.find({ $or: [{ blockerId: userId }, { blockedId: userId }] }).lean();
      return [...new Set(rows.map((row) => (row.blockerId === userId ? row.blockedId : row.blockerId)))];
    },
    async addReport(input) {
      const doc = await Reports.create(input);
      return toReport(doc.toObject<ReportDocument>());
    },
    async reportsAgainst(userId) {
      const docs = await Reports.find({ reportedId: userId }).sort({ createdAt: 1 }).lean<ReportDocument[]>();
      return docs.map(toReport);
    },
    async reportsBy(userId, limit) {
      const docs = await Reports.find({ reporterId: userId }).sort({ createdAt: -1 }).limit(limit).lean<ReportDocument[]>();
      return docs.map(toReport);
    },
    async recentReports({ before, limit }) {
      const docs = await Reports.find({ createdAt: { $lt: before ?? new Date(8.64e15) } })
        .sort({ createdAt: -1 })
        .limit(limit)
        .lean<ReportDocument[]>();
      return docs.map(toReport);
    },
    async reportById(id) {
      if (!mongoose.isValidObjectId(id)) return null;
      const doc = await Reports.findById(id).lean<ReportDocument>();
      return doc ? toReport(doc) : null;
    },
    async deleteReport(id) {
      if (!mongoose.isValidObjectId(id)) return false;
      return (await Reports.deleteOne({ _id: id })).deletedCount > 0;
    },
    async deleteReportsBefore(cutoff, limit) {
      const ids = await Reports.find({ createdAt: { $lt: cutoff } }, { _id: 1 }).sort({ createdAt: 1 }).limit(limit).lean();
      if (ids.length === 0) return 0;
      return (await Reports.deleteMany({ _id: { $in: ids.map((doc) => doc._id) } })).deletedCount;
    },
    async evidencedReporters(userId, since, limit) {
      return Reports.find(
        { reportedId: userId, createdAt: { $gte: since }, "messages.0": { $exists: true } },
        { _id: 0, reporterId: 1, reporterIp: 1, reporterDeviceId: 1 },
      )
        .sort({ createdAt: 1 })
        .limit(limit)
        .lean<ReporterMark[]>();
    },
    async ban(userId, until, reason, by) {
      const ban: Ban = { userId, until, reason, by, createdAt: new Date() };
      await Bans.replaceOne({ userId }, ban, { upsert: true });
      return ban;
    },
    async unban(userId) {
      return (await Bans.deleteOne({ userId })).deletedCount > 0;
    },
    async activeBan(userId, now) {
      const doc = await Bans.findOne({ userId, until: { $gt: now } }).lean<BanDocument>();
      return doc ? toBan(doc) : null;
    },
    async shadow(userId, until) {
      const now = new Date();
      // A user whose stay ran out comes back with a fresh `since`; one still in the pool keeps theirs.
      await Shadows.updateOne({ userId, until: { $lte: now } }, { $set: { since: now, until } }).catch(() => undefined);
      await Shadows.updateOne({ userId }, { $setOnInsert: { since: now }, $max: { until } }, { upsert: true });
    },
    async inShadowPool(userId, now) {
      return (await Shadows.exists({ userId, until: { $gt: now } })) !== null;
    },
    async shadowPool(now, offset, limit) {
      const filter = { until: { $gt: now } };
      const [docs, total] = await Promise.all([
        limit > 0 ? Shadows.find(filter, { _id: 0, userId: 1, since: 1, until: 1 }).sort({ since: -1, userId: 1 }).skip(offset).limit(limit).lean<ShadowedUser[]>() : [],
        Shadows.countDocuments(filter),
      ]);
      return { users: docs.map(({ userId, since, until }) => ({ userId, since, until })), total };
    },
    async recordDevice(device) {
      await Devices.updateOne(
        { userId: device.userId, deviceId: device.deviceId },
        { ...device, lastSeen: new Date() },
        { upsert: true },
      );
    },
    async latestDeviceOf(userId) {
      const device = await Devices.findOne({ userId }, { _id: 0, deviceId: 1 }).sort({ lastSeen: -1 }).lean<{ deviceId: string }>();
      return device?.deviceId ?? null;
    },
    async latestDevice(userId) {
      const device = await Devices.findOne({ userId }, { _id: 0, deviceId: 1, ip: 1 })
        .sort({ lastSeen: -1 })
        .lean<{ deviceId: string; ip?: string | null }>();
      return device ? { deviceId: device.deviceId, ip: device.ip ?? null } : null;
    },
    async activeBanOfDevice(deviceId, now) {
      const userIds = await Devices.distinct("userId", { deviceId });
      const doc = await Bans.findOne({ userId: { $in: userIds }, until: { $gt: now } })
        .sort({ until: -1 })
        .lean<BanDocument>();
      return doc ? toBan(doc) : null;
    },
  };
}
