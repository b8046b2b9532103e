import { z } from 'zod';
import { EntityId } from './identifiers';

/** `data` of the events that only name the entity they end (cancel, void). */
export const EntityRefV1 = z.strictObject({ id: EntityId });
export type EntityRefV1 = z.infer<typeof EntityRefV1>;
