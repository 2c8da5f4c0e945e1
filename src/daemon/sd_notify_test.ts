import assert from "node:assert/strict";
import { join } from "node:path";
import { notifySystemd } from "./sd_notify.ts";
import { moduleTempDir } from "../../tests/helpers/module_temp_dir.ts";

Deno.test("notifySystemd() sends the state as one datagram to NOTIFY_SOCKET", async () => {
  const dir = await moduleTempDir("plugd-test-");
  const path = join(dir, "notify");
  const socket = Deno.listenDatagram({ transport: "unixpacket", path });
  try {
    const result = await notifySystemd("READY=1\nSTATUS=serving", {
      env: { NOTIFY_SOCKET: path },
    });
    assert.deepEqual(result, { sent: true });
    const [data, from] = await socket.receive();
    assert.equal(new TextDecoder().decode(data), "READY=1\nSTATUS=serving");
    assert.equal(from.transport, "unixpacket");
  } finally {
    socket.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("notifySystemd() without NOTIFY_SOCKET, or with a dead one, reports instead of throwing", async () => {
  assert.deepEqual(await notifySystemd("READY=1", { env: {} }), {
    sent: false,
    reason: "NOTIFY_SOCKET is not set",
  });
  const gone = await notifySystemd("READY=1", { env: { NOTIFY_SOCKET: "/nonexistent/notify" } });
  assert.equal(gone.sent, false);
  assert.match((gone as { reason: string }).reason, /cannot notify \/nonexistent\/notify/);
});
