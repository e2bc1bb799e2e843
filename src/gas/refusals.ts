/** Refused requests, counted per day in the script cache for the sidebar, never stored with what they sent. */

function todayKey(): string {
  return `refused/${new Date().toISOString().slice(0, 10)}`;
}

/** Counts one refused request. */
export function countRefusal(): void {
  try {
    const cache = CacheService.getScriptCache();
    const key = todayKey();
    cache.put(key, String(Number(cache.get(key) ?? 0) + 1), 6 * 60 * 60);
  } catch {
    // Counting is best effort; a refusal must never fail because of it.
  }
}

/** Requests refused today (UTC day), or 0 when the cache cannot be read. */
export function refusedToday(): number {
  try {
    return Number(CacheService.getScriptCache().get(todayKey()) ?? 0);
  } catch {
    return 0;
  }
}
