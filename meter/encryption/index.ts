/** Encryption of certified readings bundles under a household user key (docs/encryption.md). Browser-safe. */
export * from './user-key.js';
export * from './envelope.js';
