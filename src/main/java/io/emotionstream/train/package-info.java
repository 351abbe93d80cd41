/**
 * The offline training and evaluation job for the emotion classifier.
 *
 * <p>Data: {@link io.emotionstream.train.FerCsvReader} (FER2013 Kaggle CSV, plain or gzip) and
 * {@link io.emotionstream.train.ImageFolderReader} ({@code <split>/<class>/*.png|jpg}) produce
 * {@link io.emotionstream.train.LabelledFaces}; {@link io.emotionstream.train.ClassSelection} picks
 * and orders the classes; {@link io.emotionstream.train.StratifiedSplit} carves a validation set.
 *
 * <p>Options: {@link io.emotionstream.train.TrainingOptions} declares every option of {@code train}
 * once, with its default (a picocli mixin).
 *
 * <p>Training: {@link io.emotionstream.train.TrainingRun} runs the epochs (ResNet-18,
 * {@link io.emotionstream.train.MomentumSgd} (its update one fused pass over the tensors' memory,
 * {@code FusedSgdUpdate}, over the memory {@code torch.TensorMemory} hands out) or AdamW, {@link io.emotionstream.train.LearningRateSchedule},
 * label smoothing, early stopping, {@link io.emotionstream.train.Checkpoint}s for {@code --resume}),
 * feeding batches from {@link io.emotionstream.train.InputEncoder} with seeded
 * {@link io.emotionstream.train.Augmentation}. {@link io.emotionstream.train.TrainingThroughput}
 * measures the speed of the same training step.
 *
 * <p>Results: {@link io.emotionstream.train.ConfusionMatrix} holds the metrics,
 * {@link io.emotionstream.train.TrainingReport} writes {@code report.json}, {@code report.md} and
 * the PNG {@link io.emotionstream.train.Charts}; the model itself is written with
 * {@link io.emotionstream.model.ModelArtifact#write}. {@link io.emotionstream.train.ModelEvaluation}
 * scores an artifact on a dataset by label name.
 *
 * <p>Reproducibility: parameter initialisation is seeded through the engine, and every random
 * choice of the data pipeline (split, shuffle, augmentation) comes from a generator derived from
 * the seed and the epoch (and the sample), so a resumed run sees the same batches as an
 * uninterrupted one. Limits are listed on {@link io.emotionstream.train.TrainingRun}.
 */
package io.emotionstream.train;
