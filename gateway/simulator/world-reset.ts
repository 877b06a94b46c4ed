/**
 * Testers' reset: the simulator's world back to the scenario as loaded. Every table the store has
 * is emptied, whichever module under tables/ made it (they are read from sqlite_master, not
 * listed here, so a table added later is reset too), and the scenario is seeded again. Two
 * things survive on purpose: the id sequences in `meta` (settlement, order and sign numbers are
 * never issued twice, so a kiosk that kept an old one cannot mistake a new one for it) and the
 * seen nonces (the channel's guard against replayed requests, not part of the world).
 */
import type { Scenario } from './scenario.ts';
import type { SimulatorStore } from './store.ts';

/** Tables that are not the world: see the comment above. */
const KEPT = new Set(['meta', 'seen_nonces']);

export interface WorldReset {
  /** The tables emptied, by name, with how many rows each held. */
  cleared: Record<string, number>;
}

export function resetWorld(store: SimulatorStore, scenario: Scenario): WorldReset {
  const { db } = store;
  const tables = (
    db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      .all() as { name: string }[]
  )
    .map((t) => t.name)
    .filter((name) => !KEPT.has(name));
  const cleared: Record<string, number> = {};
  db.transaction(() => {
    // Rows point at each other (bills at persons, items at bills): checked once, at commit.
    db.pragma('defer_foreign_keys = ON');
    for (const name of tables) {
      cleared[name] = db.prepare(`DELETE FROM "${name.replaceAll('"', '""')}"`).run().changes;
    }
    // Every "seeded..." marker goes, so seed() loads the whole scenario again; sequences stay.
    db.prepare(`DELETE FROM meta WHERE key NOT LIKE 'seq:%'`).run();
    store.seed(scenario);
  })();
  return { cleared };
}
