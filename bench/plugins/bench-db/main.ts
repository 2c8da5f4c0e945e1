import { definePlugin } from "@plugd/sdk";

export default definePlugin({
  filters: {
    /** `n` point queries by primary key, each timed (ms) from inside the plugin. */
    "db.points": async (data, ctx) => {
      const { n } = data as { n: number };
      await ctx.db.execute("CREATE TABLE IF NOT EXISTS kv (k INTEGER PRIMARY KEY, v TEXT)");
      const seed = Array.from({ length: 1000 }, (_, i) => ({
        sql: "INSERT OR REPLACE INTO kv VALUES (?, ?)",
        args: [i, `value-${i}`],
      }));
      await ctx.db.batch(seed);
      const ms: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await ctx.db.execute("SELECT v FROM kv WHERE k = ?", [i % 1000]);
        ms.push(performance.now() - t);
      }
      return ms;
    },
    /** `rounds` batches of `size` inserts each; rows per second of each round. */
    "db.inserts": async (data, ctx) => {
      const { rounds, size } = data as { rounds: number; size: number };
      await ctx.db.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, body TEXT)");
      const rates: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const batch = Array.from({ length: size }, (_, i) => ({
          sql: "INSERT INTO events (body) VALUES (?)",
          args: [`event ${r}-${i} with a body of some sixty bytes, as a log line`],
        }));
        const t = performance.now();
        await ctx.db.batch(batch);
        rates.push(size / ((performance.now() - t) / 1000));
      }
      return rates;
    },
  },
});
