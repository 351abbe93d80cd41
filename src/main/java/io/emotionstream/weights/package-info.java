/**
 * Readers for weight formats made by other frameworks (TFLite flatbuffers, TF.js manifests and
 * shards, safetensors), so that pretrained networks convert into our DJL blocks without those
 * frameworks, and the mapping of named tensors onto the parameters of our blocks ({@link
 * io.emotionstream.weights.StateDict}): parameters are addressed by PyTorch state-dict style names
 * ({@code layer1.0.conv1.weight}), so weights trained elsewhere load by name.
 */
package io.emotionstream.weights;
