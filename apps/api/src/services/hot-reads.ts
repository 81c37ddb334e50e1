import { type AccountRow, type Db, findAccount, findNotificationType, type NotificationTypeRow } from "@herald/db";
import { LRUCache } from "lru-cache";
import type { HotReads } from "../ports";

/**
 * How long a cached account or notification type is served without reading it again. Every send reads both; they
 * change rarely and only by operators. A change made through this isolate (or process) is seen at once; one made
 * elsewhere (another isolate, the operator CLI's `set-account-active`) within this long.
 */
export const HOT_READ_TTL_MS = 10_000;

export function createHotReads(db: Db): HotReads {
  const options = { max: 10_000, ttl: HOT_READ_TTL_MS, ttlAutopurge: false };
  const accounts = new LRUCache<string, AccountRow>(options);
  const types = new LRUCache<string, NotificationTypeRow>(options);
  return {
    async account(id) {
      const cached = accounts.get(id);
      if (cached) return cached;
      const row = await findAccount(db, id);
      if (row) accounts.set(id, row);
      return row;
    },
    async notificationType(key) {
      const cached = types.get(key);
      if (cached) return cached;
      const row = await findNotificationType(db, key);
      if (row) types.set(key, row);
      return row;
    },
    forgetNotificationType(key) {
      types.delete(key);
    },
  };
}
