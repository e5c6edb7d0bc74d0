import type { acsV1 as pb } from '@acs/contracts';

import type { FileDescription, FileTarget, FirmwareFile } from '../domain';

export function fileToProto(file: FirmwareFile): pb.File {
  return {
    id: file.id,
    name: file.name,
    fileType: file.fileType,
    targets: file.targets.map(targetToProto),
    softwareVersion: file.softwareVersion,
    notes: file.notes,
    size: file.size,
    sha256: file.sha256,
    createdAt: new Date(file.createdAt),
    createdBy: file.createdBy,
  };
}

function targetToProto(target: FileTarget): pb.FileTarget {
  return { oui: target.oui, productClass: target.productClass, hardwareVersions: [...target.hardwareVersions] };
}

export function fileDescriptionFromProto(metadata: pb.FileMetadata): FileDescription {
  return {
    name: metadata.name,
    fileType: metadata.fileType,
    targets: metadata.targets.map((target) => ({ oui: target.oui, productClass: target.productClass, hardwareVersions: [...target.hardwareVersions] })),
    softwareVersion: metadata.softwareVersion,
    notes: metadata.notes,
  };
}
