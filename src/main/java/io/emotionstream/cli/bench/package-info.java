/**
 * What {@code demo} and the {@code bench} commands share: a local cluster (an embedded broker and a
 * state directory deleted on close, one full topic set per step), the sample frames, the simulated
 * cameras and their paced sender, and the probe of this process's resident memory and CPU time.
 */
package io.emotionstream.cli.bench;
