/** Authentication: crypto primitives, key material, authenticated channels, write authenticators. */
export type { CryptoSuite, KeyedMac } from './crypto.js';
export { constantTimeEqual, nobleCrypto } from './crypto.js';
export type { VerifyCacheStats } from './verifyCache.js';
export { withVerifyCache } from './verifyCache.js';
export type { ChannelKeys, NodeKeys } from './keys.js';
export {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SECRET_KEY_BYTES,
  MAC_KEY_BYTES,
  checkNodeKeys,
  clientEndpointKeys,
  deriveClusterKeysForTesting,
  generateClusterKeys,
} from './keys.js';
export type { ReplayVerdict } from './replayWindow.js';
export { DEFAULT_CLIENT_INCARNATIONS, DEFAULT_REPLAY_WINDOW, IncarnationReplayWindows, ReplayWindow } from './replayWindow.js';
export type { ChannelOptions, Opened, OpenRejection } from './channel.js';
export { Channel, OPEN_REJECTIONS } from './channel.js';
export type { VerifiedWrite, WriteAuthOptions, WriteRejection } from './writeAuth.js';
export { WriteAuthenticator, copyAuthenticatedWrite } from './writeAuth.js';
