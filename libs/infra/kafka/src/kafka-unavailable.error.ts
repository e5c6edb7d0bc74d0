import { UnavailableError } from '@acs/platform';

export class KafkaUnavailableError extends UnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('kafka', message, options);
    this.name = 'KafkaUnavailableError';
  }
}
