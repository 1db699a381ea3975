// Which shard owns an account: a stable hash, so an account lands on the same shard across
// restarts as long as the shard count is unchanged (state is in LMDB either way).

/** FNV-1a (32 bit) of the UTF-8 bytes of `account`, modulo `shards`. */
export function shardOf(account: string, shards: number): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(account, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}
