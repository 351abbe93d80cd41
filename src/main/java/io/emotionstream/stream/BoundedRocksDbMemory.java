package io.emotionstream.stream;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Puts every RocksDB store of this process under one memory budget, {@code stream.rocksdb.memory-mb}:
 * one block cache shared by all stores, which also holds their index and filter blocks, and a write
 * buffer manager that charges their memtables to that cache and makes a store flush when the
 * memtables of all stores together pass half of the budget.
 *
 * <p>Why: Kafka Streams gives each store its own 50 MB block cache and up to three 16 MB memtables.
 * The topology keeps three stores per task (tracks, window counts, window clocks), so six input
 * partitions make 18 stores that together may hold about 1.7 GB of native memory, a figure no
 * operator sizes a pod for. The state itself is small (a camera's tracks, a minute's counts): in a
 * ten-minute four-camera soak at 1.5x capacity a heap profile of the native allocations put all of
 * RocksDB at about 2 MB, so the budget costs no lookups that matter and turns the worst case into
 * a number in the configuration.
 *
 * <p>The cache and the write buffer manager live as long as the process: RocksDB stores of every
 * Kafka Streams instance in it share them (a store is opened and closed at every rebalance, and
 * closing a shared cache under another store would be unsafe). The first store opened fixes the
 * size; a later instance that asks for another size gets the first one, with a warning.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

  /** Streams config key: the budget in bytes, from {@code stream.rocksdb.memory-mb}. */
  public static final String BUDGET_BYTES_CONFIG = "emotionstream.rocksdb.memory-bytes";

  /** Memtables of 8 MB: a store flushes well before the shared budget is used up by one of them. */
  private static final long MEMTABLE_BYTES = 8L << 20;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BoundedRocksDbMemory.class);

  private static SharedMemory shared;

  private record SharedMemory(long budgetBytes, Cache cache, WriteBufferManager writeBuffers) {}

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    SharedMemory memory = shared(budget(configs));
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(memory.cache());
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setTableFormatConfig(table);
    options.setWriteBufferManager(memory.writeBuffers());
    options.setWriteBufferSize(Math.min(MEMTABLE_BYTES, memory.budgetBytes() / 4));
    options.setMaxWriteBufferNumber(2);
  }

  @Override
  public void close(String storeName, Options options) {
    // the shared cache and write buffer manager outlive every store: nothing of a store's own to close
  }

  /** The budget of this process, in bytes (for tests and for the log line at start). */
  static synchronized long budgetInUse() {
    return shared == null ? 0 : shared.budgetBytes();
  }

  private static long budget(Map<String, Object> configs) {
    Object value = configs.get(BUDGET_BYTES_CONFIG);
    if (value == null) {
      throw new IllegalStateException("Streams config '" + BUDGET_BYTES_CONFIG + "' is missing: the"
          + " RocksDB memory budget comes from the setting 'stream.rocksdb.memory-mb'");
    }
    return Long.parseLong(value.toString());
  }

  private static synchronized SharedMemory shared(long budgetBytes) {
    if (shared == null) {
      Cache cache = new LRUCache(budgetBytes, -1, false, 0.1);
      WriteBufferManager writeBuffers = new WriteBufferManager(budgetBytes / 2, cache);
      shared = new SharedMemory(budgetBytes, cache, writeBuffers);
      LOG.info("RocksDB stores share {} MB of native memory (block cache with memtables charged to it)",
          budgetBytes >> 20);
    } else if (shared.budgetBytes() != budgetBytes) {
      LOG.warn("RocksDB memory budget of {} MB asked for, but this process's stores already share {} MB;"
          + " the first one stays", budgetBytes >> 20, shared.budgetBytes() >> 20);
    }
    return shared;
  }
}
