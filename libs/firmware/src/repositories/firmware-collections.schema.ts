import { ServiceCollections } from '@acs/infra-mongo';
import { defineRolloutCollections } from '@acs/rollout';
import { Schema } from 'mongoose';

/*
 * The firmware service's MongoDB collections and every index, each with the query it serves. The repositories write
 * through the driver collection (MongoDocumentCollection); these schemas document the shape and carry the indexes.
 * Sizing assumption: hundreds of files (images are large and few), thousands of campaigns over the years.
 * Files' content is not here: it is in GridFS (gridfs-content-store.ts), bucket `firmware.content`.
 */

export const firmwareCollections = new ServiceCollections('firmware');

const options = { versionKey: false, strict: false, minimize: false } as const;

const fileSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: String,
    fileType: String,
    targets: [{ _id: false, oui: String, productClass: String, hardwareVersions: [String] }],
    /** One key per (OUI), (OUI, product class) and (OUI, product class, hardware version or `*`) the targets name. */
    modelKeys: [String],
    /** True when the file has no targets: it is for any model. */
    anyModel: Boolean,
    softwareVersion: String,
    notes: String,
    size: Number,
    sha256: String,
    createdAt: Number,
    createdBy: String,
  },
  options,
);

export const firmwareFileCollection = firmwareCollections.define({
  name: 'files',
  schema: fileSchema,
  indexes: [
    { fields: { createdAt: -1 }, why: 'ListFiles: every file, newest first' },
    { fields: { fileType: 1, createdAt: -1 }, why: 'ListFiles with a type filter, newest first' },
    { fields: { modelKeys: 1 }, why: 'ListFiles for a model (and the campaigns choosing an image per model): files whose targets name it (multikey)' },
  ],
});

/**
 * Campaigns (campaign.repository.ts). What a file's deletion reads of a campaign is its `status` and the `fileIds` it
 * installs or rolls back to; the rollout policy and the image rules are kept as given (the rollout holds the targets).
 */
const campaignSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: String,
    kind: String,
    filter: String,
    groupId: String,
    imageRules: [{ _id: false, oui: String, productClass: String, hardwareVersion: String, fromVersions: [String], fileId: String }],
    policy: Schema.Types.Mixed,
    status: String,
    fileIds: [String],
    rollbackOf: String,
    createdAt: Number,
    createdBy: String,
    selection: Schema.Types.Mixed,
  },
  options,
);

export const firmwareCampaignCollection = firmwareCollections.define({
  name: 'campaigns',
  schema: campaignSchema,
  indexes: [
    { fields: { fileIds: 1, status: 1 }, why: 'DeleteFile: the campaigns that have not ended and use a file (multikey)' },
    { fields: { createdAt: -1 }, why: 'ListCampaigns: every campaign, newest first' },
  ],
});

/** Statuses of a campaign that has ended: its files are free to delete. Every other status holds its files. */
export const FINAL_CAMPAIGN_STATUSES = ['completed', 'cancelled'] as const;

/** The campaigns' rollouts and targets (libs/rollout), declared with the service's so db-indexes builds their indexes. */
export const firmwareRolloutCollections = defineRolloutCollections(firmwareCollections);
