import { definePlugin, type PluginContext } from "@plugd/sdk";

interface Note {
  id: number;
  title: string;
  body: string;
  tags: string;
  created_at: string;
}

async function addNote(ctx: PluginContext, input: unknown): Promise<number> {
  const { title, body, tags = [] } = (input ?? {}) as {
    title?: unknown;
    body?: unknown;
    tags?: unknown;
  };
  if (typeof title !== "string" || typeof body !== "string" || !Array.isArray(tags)) {
    throw new TypeError('a note is {"title": "...", "body": "...", "tags": ["..."]}');
  }
  const r = await ctx.db.execute("INSERT INTO notes (title, body, tags) VALUES (?, ?, ?)", [
    title,
    body,
    tags.map(String).join(","),
  ]);
  return r.lastInsertRowid!;
}

export default definePlugin({
  actions: {
    "note.add": async (event, ctx) => ({ id: await addNote(ctx, event.data) }),
  },
  routes: {
    "POST /notes": async (req, ctx) => {
      try {
        return Response.json({ id: await addNote(ctx, await req.json()) }, { status: 201 });
      } catch (error) {
        return Response.json({ error: (error as Error).message }, { status: 400 });
      }
    },
    "GET /notes/:id": async (_req, ctx) => {
      const { rows } = await ctx.db.execute<Note>("SELECT * FROM notes WHERE id = ?", [
        Number(ctx.params.id),
      ]);
      return rows[0] ? Response.json(rows[0]) : Response.json({ error: "no such note" }, {
        status: 404,
      });
    },
    "DELETE /notes/:id": async (_req, ctx) => {
      const r = await ctx.db.execute("DELETE FROM notes WHERE id = ?", [Number(ctx.params.id)]);
      return new Response(null, { status: r.rowsAffected ? 204 : 404 });
    },
    "GET /search": async (req, ctx) => {
      const q = new URL(req.url).searchParams.get("q") ?? "";
      if (!q.trim()) return Response.json({ error: "give ?q=words" }, { status: 400 });
      // Each word as a quoted FTS5 string, so user input cannot use the query syntax.
      const match = q.split(/\s+/).filter(Boolean).map((w) => `"${w.replaceAll('"', '""')}"`)
        .join(" ");
      const { rows } = await ctx.db.execute(
        `SELECT n.id, n.title, snippet(notes_fts, 1, '[', ']', '…', 8) AS snippet
           FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid
          WHERE notes_fts MATCH ? ORDER BY rank LIMIT 20`,
        [match],
      );
      return Response.json({ results: rows });
    },
  },
});
