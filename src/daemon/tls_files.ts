/** The TCP listener's TLS certificate and key: read, checked, and swapped on SIGHUP. */

/** PEM text of a certificate chain and its private key. */
export interface TlsPem {
  cert: string;
  key: string;
}

/** Thrown when the TLS files cannot be read or are not PEM; names the files and the fix. */
export class TlsFilesError extends Error {
  override name = "TlsFilesError";
}

/**
 * Reads `certFile` and `keyFile`. Both must be PEM (`-----BEGIN …`); the key file must not be
 * readable by group or others (like the master key), since whoever reads it can impersonate
 * the daemon.
 */
export async function readTlsPem(files: { certFile: string; keyFile: string }): Promise<TlsPem> {
  const read = async (path: string, what: string, setting: string) => {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      throw new TlsFilesError(
        `Cannot read the TLS ${what} ${path} (${setting}): ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (!/-----BEGIN [A-Z ]+-----/.test(text)) {
      throw new TlsFilesError(
        `The TLS ${what} ${path} (${setting}) is not PEM ("-----BEGIN …"); convert it with ` +
          `openssl (e.g. "openssl x509 -in cert.der -inform der -out cert.pem")`,
      );
    }
    return text;
  };
  const cert = await read(files.certFile, "certificate", "PLUGD_TLS_CERT / tls_cert");
  const key = await read(files.keyFile, "private key", "PLUGD_TLS_KEY / tls_key");
  const mode = (await Deno.stat(files.keyFile)).mode;
  if (mode !== null && (mode & 0o077) !== 0) {
    throw new TlsFilesError(
      `The TLS private key ${files.keyFile} has mode ${(mode & 0o777).toString(8)}: others may ` +
        `read it; run "chmod 600 ${files.keyFile}" (owned by the daemon's user)`,
    );
  }
  return { cert, key };
}

/** Whether two key pairs are the same text. */
export function samePem(a: TlsPem | null, b: TlsPem | null): boolean {
  return a?.cert === b?.cert && a?.key === b?.key;
}
