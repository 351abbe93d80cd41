/**
 * Every call past DJL into the native libtorch it loads, for the packages that run networks on it
 * (detection, emotion inference, training), with nothing of the project's own above it:
 * process-wide settings ({@link io.emotionstream.torch.NativeTorch}: NNPACK off, intra-op threads),
 * fused and prepacked operators, tensors in oneDNN's layout, gradient release, a tensor's own memory. Each native path checks
 * itself once against known values and has a plain fallback; {@link io.emotionstream.torch.NativeAccess}
 * turns them all off with {@code -Demotionstream.torch.fallback=true} and on any platform other
 * than Linux on x86-64. The C++ symbol names depend on the libtorch and DJL versions pinned in
 * {@code pom.xml}.
 */
package io.emotionstream.torch;
