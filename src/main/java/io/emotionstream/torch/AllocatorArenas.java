package io.emotionstream.torch;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the threads that free large native buffers off jemalloc's arena 0, where jemalloc is the
 * process's allocator (preloaded by the launcher and the image).
 *
 * <p>Why: jemalloc returns a freed extent of at least its arena's oversize threshold to the kernel at
 * once, whenever purging is on. The launcher turns the oversize arena off, which lifts that
 * threshold in every arena but arena 0, created before jemalloc reads its options: arena 0 keeps 8
 * MiB. A detection worker that jemalloc happened to place in arena 0 (threads go to the least
 * loaded arena when they first allocate, so it differs from process to process) had every P-Net
 * output of 8 MiB or more purged and faulted back on its next use: about 44,000 page faults a
 * second and half the frames per second on a panning scene at 20 px, in 12 of 28 processes measured
 * (docs/performance.md).
 *
 * <p>A thread found in arena 0 moves to one arena created for that purpose ({@code arenas.create},
 * {@code thread.arena} through jemalloc's {@code mallctl}); elsewhere nothing changes. Without
 * jemalloc (no {@code mallctl} in the process) this does nothing. jemalloc 5.3 has no setting of
 * arena 0's threshold alone, and a large valid {@code oversize_threshold} in place of 0 did not reach
 * arena 0 either (two of three processes still slow), hence the move.
 *
 * <p>The detection workers call it; the classifier's workers need not: their largest buffer, a
 * batch of 32 faces at 48 px (64 channels at 24 x 24), is about 4.7 MB, under arena 0's threshold,
 * and training's threads took about 420 page faults a second in arena 0, a few milliseconds a second.
 */
public final class AllocatorArenas {

  private static final Logger LOG = LoggerFactory.getLogger(AllocatorArenas.class);
  private static final Function MALLCTL = mallctl();
  private static int workerArena = -1;

  private AllocatorArenas() {}

  private static Function mallctl() {
    try {
      return NativeLibrary.getProcess().getFunction("mallctl");
    } catch (UnsatisfiedLinkError e) {
      return null;
    }
  }

  /** Whether jemalloc's control interface is there. */
  public static boolean available() {
    return MALLCTL != null;
  }

  /** The calling thread's arena, or -1 without jemalloc. */
  public static int currentArena() {
    if (MALLCTL == null) {
      return -1;
    }
    try (Memory value = new Memory(4); Memory size = new Memory(8)) {
      size.setLong(0, 4);
      int rc = MALLCTL.invokeInt(new Object[] {"thread.arena", value, size, Pointer.NULL, 0L});
      return rc == 0 ? value.getInt(0) : -1;
    }
  }

  /**
   * Moves the calling thread to the workers' arena when it is in arena 0.
   *
   * @return the arena the thread allocates from now (-1 without jemalloc)
   */
  public static int leaveArenaZero() {
    int current = currentArena();
    if (current != 0) {
      return current;
    }
    int target = workerArena();
    if (target < 0) {
      return current;
    }
    try (Memory value = new Memory(4)) {
      value.setInt(0, target);
      int rc = MALLCTL.invokeInt(new Object[] {"thread.arena", Pointer.NULL, Pointer.NULL, value, 4L});
      if (rc != 0) {
        LOG.warn("jemalloc refused to move thread {} to arena {} (error {}): it stays in arena 0",
            Thread.currentThread().getName(), target, rc);
        return current;
      }
    }
    LOG.info("thread {} moved from jemalloc's arena 0 (which returns every freed buffer of 8 MiB or more to the"
        + " kernel at once) to arena {}", Thread.currentThread().getName(), target);
    return target;
  }

  private static synchronized int workerArena() {
    if (workerArena < 0) {
      try (Memory value = new Memory(4); Memory size = new Memory(8)) {
        size.setLong(0, 4);
        int rc = MALLCTL.invokeInt(new Object[] {"arenas.create", value, size, Pointer.NULL, 0L});
        if (rc != 0) {
          LOG.warn("jemalloc could not create an arena (error {}): threads in arena 0 stay there", rc);
          return -1;
        }
        workerArena = value.getInt(0);
      }
    }
    return workerArena;
  }
}
