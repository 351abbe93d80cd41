/**
 * Frame analysis, free of Kafka: check a frame's limits on its header, decode it, find the faces,
 * drop those inside the camera's privacy masks, crop and classify the others (abstaining below
 * the minimum confidence), and hand back a {@link io.emotionstream.analysis.FrameResult} or a
 * {@link io.emotionstream.analysis.FrameRejectedException} with its
 * {@link io.emotionstream.analysis.RejectReason}. The Streams processors in {@code stream} are a
 * thin layer over it; tests drive it with stand-ins.
 */
package io.emotionstream.analysis;
