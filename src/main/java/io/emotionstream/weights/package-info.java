/**
 * Readers for weight formats made by other frameworks (TF.js manifests and shards, safetensors)
 * and the mapping of named tensors onto the parameters of our DJL blocks ({@link
 * io.emotionstream.weights.StateDict}): parameters are addressed by PyTorch state-dict style names
 * ({@code layer1.0.conv1.weight}), so weights trained elsewhere load by name.
 */
package io.emotionstream.weights;
