/**
 * What the processor may do with each camera, in plain Java without Kafka: the camera file
 * (context, purpose, emotion opt-in, medical or safety exemption, privacy masks and zones, shared
 * with {@code ingest}), the decision whether a camera's frames are analysed and why not, the
 * changes between two versions of the file, how long each kind of data is kept, and which window
 * counts may be published. The processor, the operations server and the audit trail act on these
 * decisions; nothing here reads a topic.
 */
package io.emotionstream.policy;
