export * from './bus-message.codec';
export * from './kafka-event-bus';
export * from './kafka-logging';
export * from './kafka-subscription';
