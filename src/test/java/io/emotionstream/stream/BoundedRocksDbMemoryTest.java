package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

class BoundedRocksDbMemoryTest {

  private static final long BUDGET = 32L << 20;

  @Test
  void storesWritingFarMoreThanTheBudgetStayWithinItTogether(@TempDir Path dir) throws Exception {
    RocksDB.loadLibrary();
    BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
    Map<String, Object> configs = Map.of(BoundedRocksDbMemory.BUDGET_BYTES_CONFIG, BUDGET);
    long budget;
    byte[] value = new byte[4096];
    try (Options a = options(); Options b = options(); WriteOptions noWal = new WriteOptions().setDisableWAL(true)) {
      setter.setConfig("tracks", a, configs);
      setter.setConfig("windows", b, configs);
      // the first store of the process fixes the budget: another test may have opened one first
      budget = BoundedRocksDbMemory.budgetInUse();
      assertTrue(budget >= 16L << 20, "budget " + budget);
      assertTrue(a.writeBufferSize() <= budget / 4, "memtable " + a.writeBufferSize());
      assertEquals(2, a.maxWriteBufferNumber());
      try (RocksDB first = RocksDB.open(a, Files.createDirectories(dir.resolve("a")).toString());
          RocksDB second = RocksDB.open(b, Files.createDirectories(dir.resolve("b")).toString())) {
        long written = 0;
        for (int i = 0; written < 3 * budget; i++) {
          java.util.concurrent.ThreadLocalRandom.current().nextBytes(value);
          byte[] key = ("camera-" + i).getBytes();
          first.put(noWal, key, value);
          second.put(noWal, key, value);
          written += 2L * value.length;
        }
        long memtables = first.getLongProperty("rocksdb.cur-size-all-mem-tables")
            + second.getLongProperty("rocksdb.cur-size-all-mem-tables");
        // the write buffer manager makes a store flush once the memtables of all stores pass half the
        // budget; the ones being flushed still count, so together they stay within the budget (Kafka
        // Streams' own settings would allow 2 x 3 x 16 MB here)
        assertTrue(memtables <= budget, "memtables of both stores " + (memtables >> 20) + " MB after "
            + (written >> 20) + " MB written, budget " + (budget >> 20) + " MB");
        assertTrue(first.get(("camera-" + 0).getBytes()) != null, "the first key is still readable after flushes");
      }
    }
  }

  private static Options options() {
    Options options = new Options().setCreateIfMissing(true);
    // as Kafka Streams hands it over: a table config with a cache of its own, which the setter replaces
    options.setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(new LRUCache(50L << 20)));
    return options;
  }
}
