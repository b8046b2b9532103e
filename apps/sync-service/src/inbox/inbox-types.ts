export type RecordOutcome = 'applied' | 'stale' | 'duplicate';

/** Where a message was read: kept with every inbound event, and on every dead letter. */
export interface MessageCoordinates {
  topic: string;
  partition: number;
  offset: string;
}
