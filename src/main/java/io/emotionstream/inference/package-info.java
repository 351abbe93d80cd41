/**
 * Serving machinery independent of the model: the {@link io.emotionstream.inference.DynamicBatcher}
 * gathers single requests from many threads into batches, and the {@link
 * io.emotionstream.inference.DeviceWorkerPool} runs each batch on the least busy device worker (one
 * per GPU, or several CPU workers sharing the cores). {@link io.emotionstream.inference.InferenceConfig}
 * holds the settings ({@code inference.*} properties).
 */
package io.emotionstream.inference;
