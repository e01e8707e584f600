import mongoose from "mongoose";
import { AUDIT_ACTIONS, type AuditEntry, type AuditStore } from "../audit-store.ts";

const auditSchema = new mongoose.Schema({
  at: { type: Date, required: true },
  actor: { type: String, required: true },
  action: { type: String, enum: AUDIT_ACTIONS, required: true },
  targetId: { type: String, default: null },
  details: { type: mongoose.Schema.Types.Mixed, default: {} },
});
auditSchema.index({ at: -1 });
auditSchema.index({ targetId: 1, at: -1 });

type AuditDocument = Omit<AuditEntry, "id"> & { _id: mongoose.Types.ObjectId };

const toEntry = ({ _id, ...rest }: AuditDocument): AuditEntry => ({
  id: _id.toHexString(),
  at: rest.at,
  actor: rest.actor,
  action: rest.action,
  targetId: rest.targetId ?? null,
  details: rest.details ?? {},
});

/** Only ever inserts and reads: no code path updates or deletes an entry. */
export async function mongoAuditStore(connection: mongoose.Connection): Promise<AuditStore> {
  const Audit = connection.model<AuditDocument>("AuditEntry", auditSchema);
  await Audit.createIndexes();
  return {
    async append(input) {
      const doc = await Audit.create({ ...input, at: new Date() });
      return toEntry(doc.toObject<AuditDocument>());
    },
    async list({ before, targetId, limit }) {
      const filter: Record<string, unknown> = { at: { $lt: before ?? new Date(8.64e15) } };
      if (targetId) filter.targetId = targetId;
      const docs = await Audit.find(filter).sort({ at: -1, _id: -1 }).limit(limit).lean<AuditDocument[]>();
      return docs.map(toEntry);
    },
  };
}
