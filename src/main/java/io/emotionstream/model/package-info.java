/**
 * The model artifact: one directory per model version holding {@code metadata.json} (what the
 * network is, its labels, how to prepare its input, how faces must be cropped for it, checksum of
 * the weights, lineage) and a safetensors weights file. {@link io.emotionstream.model.ModelArtifact}
 * writes and verifies it; network shapes are looked up by name in {@link
 * io.emotionstream.model.Architectures}.
 */
package io.emotionstream.model;
