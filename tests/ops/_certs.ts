/** Test certificates made with Debian's openssl: a CA and server certificates it signs. */
import { join } from "node:path";

async function openssl(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** A test CA in `dir`: `ca.pem`, `ca.key`. */
export async function makeCa(dir: string): Promise<string> {
  await openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      "/CN=plugd test CA",
    ],
    dir,
  );
  return join(dir, "ca.pem");
}

/**
 * A server certificate for 127.0.0.1 and localhost signed by the CA in `dir`, written to
 * `<name>.pem` / `<name>.key` (mode 0600); `cn` tells certificates apart.
 */
export async function makeServerCert(
  dir: string,
  name: string,
  cn: string,
): Promise<{ cert: string; key: string }> {
  await Deno.writeTextFile(
    join(dir, `${name}.ext`),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
  );
  await openssl(
    [
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${cn}`,
    ],
    dir,
  );
  await openssl(
    [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    ],
    dir,
  );
  await Deno.chmod(join(dir, `${name}.key`), 0o600);
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

/**
 * The subject CN of the certificate a TLS server at 127.0.0.1:port presents. A connection made in
 * the very instant a reload closes the old listener can be reset (see docs/operations.md); one
 * retry covers that, as any client would.
 */
export async function servedCn(port: number, caFile: string): Promise<string> {
  for (let attempt = 1;; attempt++) {
    try {
      const conn = await Deno.connectTls({
        hostname: "127.0.0.1",
        port,
        caCerts: [await Deno.readTextFile(caFile)],
      });
      await conn.handshake();
      conn.close();
      break;
    } catch (error) {
      if (!(error instanceof Deno.errors.ConnectionReset) || attempt >= 3) throw error;
    }
  }
  const out = await new Deno.Command("sh", {
    args: [
      "-c",
      `openssl s_client -connect 127.0.0.1:${port} -CAfile ${caFile} </dev/null 2>/dev/null | openssl x509 -noout -subject`,
    ],
    stdout: "piped",
  }).output();
  return /CN\s*=\s*(.+)$/m.exec(new TextDecoder().decode(out.stdout))?.[1]?.trim() ?? "";
}
