/**
 * Emotion classifiers: the networks (a torchvision-shaped {@link io.emotionstream.emotion.ResNet18},
 * face-api's expression network as the pretrained bootstrap model), the conversion of face-api's
 * weights into our artifact format, crop pre-processing, and {@link
 * io.emotionstream.emotion.BatchingEmotionClassifier}, the {@link
 * io.emotionstream.emotion.EmotionClassifier} that feeds the dynamic batcher. Get one with
 * {@link io.emotionstream.emotion.EmotionClassifiers#open}.
 */
package io.emotionstream.emotion;
