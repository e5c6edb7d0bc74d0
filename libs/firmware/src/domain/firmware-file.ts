/** A model a file is for: devices of this OUI and product class, of one of these hardware versions (none: any). */
export interface FileTarget {
  oui: string;
  productClass: string;
  hardwareVersions: string[];
}

/** A file CPEs download (a firmware image above all), as the ACS keeps it: what it is, who it is for, its content's facts. */
export interface FirmwareFile {
  id: string;
  name: string;
  /** TR-069 FileType (domain/file-type.ts). */
  fileType: string;
  /** The models it is for; empty = any. */
  targets: FileTarget[];
  /** The SoftwareVersion a device reports once it runs this image; '' when none applies or it is not known. */
  softwareVersion: string;
  notes: string;
  /** Bytes of content. */
  size: number;
  /** Lowercase hex SHA-256 of the content. */
  sha256: string;
  /** Epoch ms. */
  createdAt: number;
  /** The API client that uploaded it ('' for in-process callers without one). */
  createdBy: string;
}

/** What the uploader says about a file; the rest (id, size, hash, time) the ACS establishes. */
export type FileDescription = Pick<FirmwareFile, 'name' | 'fileType' | 'targets' | 'softwareVersion' | 'notes'>;

/** A device's model, as a file's targets are matched against it. */
export interface DeviceModel {
  oui: string;
  productClass?: string;
  hardwareVersion?: string;
}

/** Whether a file is for a device of `model`: no targets (any model), or a target whose fields all match. */
export function isFileForModel(file: Pick<FirmwareFile, 'targets'>, model: DeviceModel): boolean {
  if (file.targets.length === 0) return true;
  return file.targets.some(
    (target) =>
      target.oui === model.oui &&
      (model.productClass === undefined || target.productClass === model.productClass) &&
      (model.hardwareVersion === undefined || target.hardwareVersions.length === 0 || target.hardwareVersions.includes(model.hardwareVersion)),
  );
}
