/** The SDK version reported in the handshake. */
export const SDK_VERSION = "0.1.0";
