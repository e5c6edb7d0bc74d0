import type { FieldViolation } from '@acs/platform';

import { fileTypeProblem, type DeviceModel, type FirmwareFile } from '../domain';
import type { FirmwareFileRepository, Page, Paged } from '../repositories/ports';
import { invalid } from './file-description.validator';

export interface ListFilesQuery {
  fileType?: string;
  oui?: string;
  productClass?: string;
  hardwareVersion?: string;
  page: Page;
}

/** Files, newest first, optionally of one type or for one model (files for any model included). */
export class ListFiles {
  constructor(private readonly files: Pick<FirmwareFileRepository, 'list'>) {}

  async execute(query: ListFilesQuery): Promise<Paged<FirmwareFile>> {
    const violations: FieldViolation[] = [];
    const fileType = query.fileType || undefined;
    const problem = fileType === undefined ? undefined : fileTypeProblem(fileType);
    if (problem) violations.push({ field: 'file_type', description: problem, reason: 'BAD_FORMAT' });
    const oui = query.oui || undefined;
    const productClass = query.productClass || undefined;
    const hardwareVersion = query.hardwareVersion || undefined;
    if (productClass !== undefined && oui === undefined) violations.push({ field: 'oui', description: 'required with product_class', reason: 'REQUIRED' });
    if (hardwareVersion !== undefined && productClass === undefined) violations.push({ field: 'product_class', description: 'required with hardware_version', reason: 'REQUIRED' });
    if (violations.length > 0) throw invalid('invalid file query', violations);
    const model: DeviceModel | undefined = oui === undefined ? undefined : { oui, productClass, hardwareVersion };
    return this.files.list({ fileType, model }, query.page);
  }
}
