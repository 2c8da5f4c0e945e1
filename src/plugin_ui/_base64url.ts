/** Bytes as base64url without padding (URL-path safe). */
export function encodeBase64Url(bytes: Uint8Array): string {
  return (bytes as Uint8Array & { toBase64(o: object): string }).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
}
