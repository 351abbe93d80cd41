package io.emotionstream.torch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NativeAccessTest {

  @AfterEach
  void clear() {
    System.clearProperty(NativeAccess.FALLBACK_PROPERTY);
  }

  @Test
  void onlyLinuxOnX8664WithoutTheSwitchIsAllowed() {
    assertNull(NativeAccess.refusal(null, "Linux", "amd64"));
    assertNull(NativeAccess.refusal("false", "Linux", "x86_64"));
    assertTrue(NativeAccess.refusal("true", "Linux", "amd64").contains(NativeAccess.FALLBACK_PROPERTY));
    assertTrue(NativeAccess.refusal(null, "Linux", "aarch64").contains("aarch64"));
    assertTrue(NativeAccess.refusal(null, "Mac OS X", "x86_64").contains("Mac OS X"));
    assertTrue(NativeAccess.refusal(null, "Windows 11", "amd64").contains("Windows 11"));
  }

  @Test
  void theSwitchTurnsEveryNativePathOff() {
    System.setProperty(NativeAccess.FALLBACK_PROPERTY, "true");
    assertFalse(NativeAccess.allowed());
    assertFalse(FusedPrelu.available());
    assertFalse(PrepackedConvolution.available());
    assertFalse(OneDnnTensors.available());
    assertFalse(GradientRelease.available());
    assertNull(NativeTorch.nnpackEnabled());
    assertThrows(IllegalStateException.class, NativeTorch::newTensorSlot);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray x = m.create(new float[] {1, 2, 3});
      assertNull(TensorMemory.floats(x), "no direct tensor memory: the caller keeps its NDArray path");
      System.clearProperty(NativeAccess.FALLBACK_PROPERTY);
      assertTrue(NativeAccess.allowed());
      assertTrue(FusedPrelu.available());
      assertNotNull(TensorMemory.floats(x), "the same tensor's memory once the switch is off");
    }
  }
}
